//! Mini program codes: wxacode A/B and the square QR code (reference §10).
