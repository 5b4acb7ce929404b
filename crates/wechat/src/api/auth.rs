//! Authorization: query auth, authorizer tokens, info, list, options, consent-page links (reference §3.3–§3.8).
