package dev.edgestack.gateway.config;

/** How a route authenticates its callers (written {@code none}, {@code jwt}, ...). */
public enum AuthMode {
  /** Public: no credentials are checked (identity headers are still stripped). */
  NONE,
  /** A bearer JWT verified against the issuer's JWKS is required. */
  JWT,
  /** An API key from {@code auth.apiKeys} is required. */
  API_KEY,
  /** Either a bearer JWT or an API key; a request that sends both is refused. */
  JWT_OR_API_KEY;

  public boolean acceptsJwt() {
    return this == JWT || this == JWT_OR_API_KEY;
  }

  public boolean acceptsApiKey() {
    return this == API_KEY || this == JWT_OR_API_KEY;
  }
}
