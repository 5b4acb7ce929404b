//! Code templates: drafts and the template library (reference §7).
