//! The desktop's side of the relay: the pull/ack loop and authorization links. (to be written)
