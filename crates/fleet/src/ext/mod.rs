//! Each merchant's ext_json: edited against the template's JSON Schema, validated, diffed against the
//! previous commit, kept in history.
