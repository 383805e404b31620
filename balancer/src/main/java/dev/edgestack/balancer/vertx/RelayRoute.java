package dev.edgestack.balancer.vertx;

import dev.edgestack.runtime.failure.FailureKind;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RelayGate}'s decision to forward a request: to which pool, at which request target (path
 * and query; empty: as the client sent it), with which edits of the request's fields and of the
 * fields of the pool's answer (the relay's own problems are not edited), within which deadline and
 * body cap besides the pool's own, and whom to tell when the request is done.
 *
 * <pre>
 * RelayRoute.to(pool).withTarget("/v2/accounts/7").withLimits(options).withCompletion(metrics)
 * </pre>
 */
public record RelayRoute(
    UpstreamPool pool,
    Optional<String> target,
    RelayFieldEdits requestEdits,
    RelayFieldEdits responseEdits,
    ForwardOptions limits,
    Completion completion) {

  /** Told once when a forwarded request is done, on the connection's event loop. */
  @FunctionalInterface
  public interface Completion {
    Completion NONE = (status, failure, durationNanos) -> {};

    /**
     * {@code status} is the status sent to the client (499 when the client left before an answer),
     * {@code failure} the failure's kind or null when the upstream's answer went through.
     */
    void done(int status, FailureKind failure, long durationNanos);
  }

  public RelayRoute {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(requestEdits, "requestEdits");
    Objects.requireNonNull(responseEdits, "responseEdits");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(completion, "completion");
  }

  /** To {@code pool} as the client sent it, within the pool's own limits. */
  public static RelayRoute to(UpstreamPool pool) {
    return new RelayRoute(
        pool,
        Optional.empty(),
        RelayFieldEdits.NONE,
        RelayFieldEdits.NONE,
        ForwardOptions.NONE,
        Completion.NONE);
  }

  public RelayRoute withTarget(String upstreamTarget) {
    return new RelayRoute(
        pool, Optional.of(upstreamTarget), requestEdits, responseEdits, limits, completion);
  }

  public RelayRoute withRequestEdits(RelayFieldEdits edits) {
    return new RelayRoute(pool, target, edits, responseEdits, limits, completion);
  }

  public RelayRoute withResponseEdits(RelayFieldEdits edits) {
    return new RelayRoute(pool, target, requestEdits, edits, limits, completion);
  }

  public RelayRoute withLimits(ForwardOptions options) {
    return new RelayRoute(pool, target, requestEdits, responseEdits, options, completion);
  }

  public RelayRoute withCompletion(Completion done) {
    return new RelayRoute(pool, target, requestEdits, responseEdits, limits, done);
  }
}
