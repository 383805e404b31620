package dev.edgestack.gateway.config;

/** How a route authenticates its callers. */
public enum AuthMode {
  /** Public: no credentials are checked (identity headers are still stripped). */
  NONE,
  /** A bearer JWT verified against the issuer's JWKS is required. */
  JWT
}
