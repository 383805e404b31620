package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.balancer.Outcome;

/** One try on one endpoint; reports its outcome once, through the {@link OutcomeRecorder}. */
final class Attempt {
  private final Endpoint endpoint;
  private final long startNanos;
  private final OutcomeRecorder outcomes;
  private boolean reported;

  Attempt(Endpoint endpoint, long startNanos, OutcomeRecorder outcomes) {
    this.endpoint = endpoint;
    this.startNanos = startNanos;
    this.outcomes = outcomes;
  }

  void report(Outcome outcome) {
    if (!reported) {
      reported = true;
      outcomes.report(endpoint, outcome, startNanos);
    }
  }
}
