//! Drafts and the template library, with local metadata (changelog, screenshots, ext schema,
//! requirements) kept beside WeChat's.
