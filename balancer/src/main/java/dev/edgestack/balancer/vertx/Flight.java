package dev.edgestack.balancer.vertx;

import dev.edgestack.balancer.Endpoint;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.http.Exchange;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
  final List<String> decisions = new ArrayList<>(1);
  int attempts;
  int budgetedRetries;
  boolean responseStarted;
  EdgeFailure lastFailure;

  Flight(Exchange exchange, RequestOptions options, boolean hasBody, long hash, long deadline) {
    this.exchange = exchange;
    this.options = options;
    this.hasBody = hasBody;
    this.hash = hash;
    this.deadline = deadline;
  }
}
