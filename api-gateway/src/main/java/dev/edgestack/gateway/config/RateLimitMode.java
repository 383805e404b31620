package dev.edgestack.gateway.config;

/** Whether a policy rejects, or only counts and reports what it would have rejected. */
public enum RateLimitMode {
  ENFORCE,
  /**
   * Admits everything; decisions that would have rejected are counted as {@code shadow-rejected}.
   */
  SHADOW
}
