package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One request's way through a pool: what was tried, until when, what the debug header will say, and
 * the last failure. Touched only on the request's context.
 */
final class Flight {
  final Exchange exchange;
  final RequestOptions options;
  final boolean hasBody;
  final long hash;
  final long deadline;
  final Set<Endpoint> tried = new HashSet<>();
  // Only for pools with a debug header: made on first use.
  private List<String> decisions;
  int attempts;
  int budgetedRetries;
  boolean responseStarted;
  EdgeFailure lastFailure;
  // Set by forward with ForwardOptions: the attempt now on the wire, the body cap (-1: none), and
  // why the flight was cut short by the gateway rather than by the endpoint.
  HttpClientRequest current;
  long maxBodyBytes = -1;
  boolean expired;
  boolean bodyTooLarge;
  // The attempt on the wire has as idle timeout the caller's remaining time, not the pool's
  // request timeout: its timing out is the deadline, whether or not expire() ran first.
  boolean idleBoundIsDeadline;
  // For relayed requests: the caller's edits, applied to each attempt's copy of the headers.
  Consumer<MultiMap> editHeaders = headers -> {};

  Flight(Exchange exchange, RequestOptions options, boolean hasBody, long hash, long deadline) {
    this.exchange = exchange;
    this.options = options;
    this.hasBody = hasBody;
    this.hash = hash;
    this.deadline = deadline;
  }

  /** Why each candidate was picked, for the debug header. */
  List<String> decisions() {
    if (decisions == null) {
      decisions = new ArrayList<>(1);
    }
    return decisions;
  }
}
