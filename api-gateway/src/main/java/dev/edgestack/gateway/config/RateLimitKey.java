package dev.edgestack.gateway.config;

/** What a rate limit counts requests by. */
public enum RateLimitKey {
  /** The client's address as established by the trusted-proxy rules of {@code forwarded}. */
  CLIENT_ADDRESS
}
