package dev.edgestack.balancer;

import dev.edgestack.runtime.config.ConfigNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * When a request is tried again on another endpoint. An attempt that provably never reached its
 * endpoint (connection refused, local rejection) is always retried. With {@code idempotent: true},
 * a request with an idempotent method and no body is also retried on the failures listed in {@code
 * on} ({@code reset}, {@code timeout}, {@code 5xx} or a 5xx status such as {@code 503}), as long as
 * nothing of the answer was passed on yet. All retries stay within {@code attempts}, the request
 * deadline and the retry budget: at most {@code budget.ratio} of the requests in flight may be
 * retries, or {@code budget.minRetries} when that is more.
 *
 * <pre>
 * retry: {attempts: 3, idempotent: true, on: [reset, 503], budget: {ratio: 0.2, minRetries: 3}}
 * </pre>
 */
public record RetryConfig(
    int attempts,
    boolean idempotent,
    Set<Outcome> onOutcomes,
    Set<Integer> onStatuses,
    double budgetRatio,
    int budgetMinRetries) {

  public static final RetryConfig DEFAULT =
      new RetryConfig(2, false, Set.of(Outcome.RESET), Set.of(502, 503, 504), 0.2, 3);
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  public RetryConfig {
    onOutcomes = Set.copyOf(onOutcomes);
    onStatuses = Set.copyOf(onStatuses);
  }

  public static RetryConfig from(ConfigNode node) {
    node.requireOnly("attempts", "idempotent", "on", "budget");
    ConfigNode budget = node.objectOrEmpty("budget").requireOnly("ratio", "minRetries");
    Set<Outcome> outcomes = DEFAULT.onOutcomes();
    Set<Integer> statuses = DEFAULT.onStatuses();
    if (node.has("on")) {
      outcomes = new LinkedHashSet<>();
      statuses = new LinkedHashSet<>();
      for (String item : node.strings("on")) {
        switch (item) {
          case "reset" -> outcomes.add(Outcome.RESET);
          case "timeout" -> outcomes.add(Outcome.TIMEOUT);
          case "5xx" -> {
            for (int status = 500; status < 600; status++) {
              statuses.add(status);
            }
          }
          default -> {
            if (!item.matches("5\\d\\d")) {
              throw node.error("on", item, "reset, timeout, 5xx or a status from 500 to 599");
            }
            statuses.add(Integer.parseInt(item));
          }
        }
      }
    }
    return new RetryConfig(
        node.integer("attempts", DEFAULT.attempts(), 1, 10),
        node.bool("idempotent", DEFAULT.idempotent()),
        outcomes,
        statuses,
        budget.decimal("ratio", DEFAULT.budgetRatio(), 0, 1),
        budget.integer("minRetries", DEFAULT.budgetMinRetries(), 0, 10_000));
  }

  /** Whether a request with this method may be retried after it may have reached an endpoint. */
  public boolean mayRetrySent(String method, boolean hasBody) {
    return idempotent && !hasBody && METHODS.contains(method);
  }

  /** Whether a failed attempt that may have reached its endpoint is worth another try. */
  public boolean retriesOn(Outcome outcome) {
    return onOutcomes.contains(outcome);
  }

  public boolean retriesOnStatus(int status) {
    // Without boxing a status above 127 on every response while no status is listed (the default).
    return !onStatuses.isEmpty() && onStatuses.contains(status);
  }

  /** The listed conditions, for messages. */
  public List<String> describeOn() {
    List<String> items = new ArrayList<>();
    onOutcomes.forEach(outcome -> items.add(ConfigNode.spelling(outcome)));
    onStatuses.stream().sorted().forEach(status -> items.add(String.valueOf(status)));
    return items;
  }
}
