//! WXBizMsgCrypt (reference §1): signatures, AES-256-CBC with 32-byte PKCS#7, the plaintext layout.
//! (to be written)
