package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Outcome;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Tells what a failed attempt means for the endpoint (an outcome) and for the client (a failure).
 */
final class AttemptFailures {
  private AttemptFailures() {}

  /** A failure to get a connection: the endpoint's fault, or the balancer's own wait. */
  static Outcome ofConnect(Throwable cause) {
    // A timeout here is the wait for a pooled connection (RequestOptions#connectTimeout), and a
    // too-busy pool is ours too: the endpoint was never asked, so neither counts against it. A
    // TCP connect that times out is a ConnectException (Netty's ConnectTimeoutException).
    if (cause instanceof TimeoutException || cause instanceof ConnectionPoolTooBusyException) {
      return Outcome.LOCAL_REJECTION;
    }
    return Outcome.CONNECT_FAILURE;
  }

  static EdgeFailure connectFailure(String pool, Outcome outcome, Throwable cause) {
    if (outcome == Outcome.LOCAL_REJECTION) {
      return EdgeFailure.of(
          FailureKind.UNAVAILABLE, "No connection to pool " + pool + " in time", cause);
    }
    String detail =
        cause instanceof ConnectException
            ? "Could not connect to pool " + pool
            : "Could not open a connection to pool " + pool;
    return EdgeFailure.of(FailureKind.CONNECT_FAILED, detail, cause);
  }

  /** A failure after the request was handed to a connection. */
  static Outcome ofSent(Throwable cause, boolean clientAborted) {
    if (clientAborted) {
      return Outcome.CANCELLED;
    }
    return cause instanceof TimeoutException ? Outcome.TIMEOUT : Outcome.RESET;
  }

  static EdgeFailure sentFailure(String pool, Outcome outcome, Throwable cause) {
    if (outcome == Outcome.CANCELLED) {
      return EdgeFailure.of(FailureKind.CLIENT_CLOSED, "The client went away", cause);
    }
    if (cause instanceof EdgeFailure failure) {
      return failure;
    }
    return switch (outcome) {
      case TIMEOUT ->
          EdgeFailure.of(FailureKind.UPSTREAM_TIMEOUT, "Pool " + pool + " did not answer in time");
      default ->
          EdgeFailure.of(
              FailureKind.UPSTREAM_RESET, "Pool " + pool + " closed the connection", cause);
    };
  }
}
