//! The findings of probing Tandem as an attacker would, each with the test that would
//! have caught it: stored markup in pages, headers, unknown input, server-function
//! statuses, redirects, cross-site posts, sign-in throttling, passwords, approvals,
//! sockets that outlive their session, tokens, form keys, the proxy rule and metrics.
mod doors;
mod records;
mod sign_in;
mod sockets;
