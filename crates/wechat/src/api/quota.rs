//! API call quotas: clear_quota, quota and rid look-ups (reference §12.2).
