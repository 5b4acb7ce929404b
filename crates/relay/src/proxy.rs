//! The CONNECT egress proxy. (to be written)
