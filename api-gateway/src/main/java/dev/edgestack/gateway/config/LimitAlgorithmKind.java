package dev.edgestack.gateway.config;

/** The arithmetic of a rate-limit policy. */
public enum LimitAlgorithmKind {
  /** Generic cell rate algorithm: smooth refill, bursts up to {@code burst} (the default). */
  GCRA,
  /** Never more than {@code limit} in any interval of one period (counted in ten buckets). */
  SLIDING_WINDOW
}
