package dev.edgestack.gateway.breaker;

import java.time.Duration;

/**
 * The answer of {@link CircuitBreaker#tryAcquire()}: either the call may go out (and its outcome
 * must be reported once with {@link CircuitBreaker#record}), or it is rejected until {@link
 * #retryAfter()}.
 */
public final class CircuitPermit {
  final long generation;
  final boolean probe;
  private final Duration retryAfter;

  private CircuitPermit(long generation, boolean probe, Duration retryAfter) {
    this.generation = generation;
    this.probe = probe;
    this.retryAfter = retryAfter;
  }

  static CircuitPermit admitted(long generation, boolean probe) {
    return new CircuitPermit(generation, probe, Duration.ZERO);
  }

  static CircuitPermit rejected(Duration retryAfter) {
    return new CircuitPermit(-1, false, retryAfter);
  }

  public boolean admitted() {
    return generation >= 0;
  }

  /** How long until the breaker lets a probe through; zero when admitted. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
