package dev.edgestack.samples;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;

/**
 * The faults a replica injects on its HTTP port: an immutable value swapped as a whole.
 *
 * <p>{@code errorRate} and {@code resetRate} are shares of requests drawn with one die, so that
 * {@code {"errorRate": 0.5, "resetRate": 0.1}} answers half the requests with {@code errorStatus}
 * and resets a tenth; {@code latencyMs} delays every answer, errors and resets included; {@code
 * hang} swallows every request.
 *
 * @param latencyMs delay before acting on a request, 0 to {@value #MAX_LATENCY_MS}
 * @param errorRate share of requests answered with {@code errorStatus}, 0 to 1
 * @param errorStatus status of injected errors, one of {@link InjectedStatus#all()}
 * @param resetRate share of requests whose connection is closed without an answer, 0 to 1
 * @param hang whether no request is ever answered
 */
record Faults(long latencyMs, double errorRate, int errorStatus, double resetRate, boolean hang) {
  static final long MAX_LATENCY_MS = 300_000;
  static final Faults NONE = new Faults(0, 0, 503, 0, false);
  private static final List<String> FIELDS =
      List.of("latencyMs", "errorRate", "errorStatus", "resetRate", "hang");

  Faults {
    if (latencyMs < 0 || latencyMs > MAX_LATENCY_MS) {
      throw invalid("latencyMs", latencyMs, "an integer from 0 to " + MAX_LATENCY_MS);
    }
    checkRate("errorRate", errorRate);
    checkRate("resetRate", resetRate);
    if (!InjectedStatus.supported(errorStatus)) {
      throw invalid("errorStatus", errorStatus, "one of " + InjectedStatus.all());
    }
    if (errorRate + resetRate > 1.0) {
      throw invalid("errorRate + resetRate", errorRate + resetRate, "at most 1");
    }
  }

  /**
   * Reads a fault body; absent fields take their {@link #NONE} values. Throws {@link
   * IllegalArgumentException} naming the field and what was expected.
   */
  static Faults fromJson(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            field + ": unknown field (expected: one of " + String.join(", ", FIELDS) + ")");
      }
    }
    return new Faults(
        integer(body, "latencyMs", NONE.latencyMs),
        rate(body, "errorRate", NONE.errorRate),
        status(integer(body, "errorStatus", NONE.errorStatus)),
        rate(body, "resetRate", NONE.resetRate),
        bool(body, "hang", NONE.hang));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("latencyMs", latencyMs)
        .put("errorRate", errorRate)
        .put("errorStatus", errorStatus)
        .put("resetRate", resetRate)
        .put("hang", hang);
  }

  boolean active() {
    return latencyMs > 0 || errorRate > 0 || resetRate > 0 || hang;
  }

  /** Decides what happens to one request; draws from {@code random} only when a rate is set. */
  FaultAction decide(Random random) {
    if (hang) {
      return FaultAction.HANG;
    }
    if (errorRate == 0 && resetRate == 0) {
      return FaultAction.PASS;
    }
    double die = random.nextDouble();
    if (die < resetRate) {
      return FaultAction.RESET;
    }
    return die < resetRate + errorRate ? FaultAction.ERROR : FaultAction.PASS;
  }

  private static void checkRate(String field, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw invalid(field, rate, "a number from 0 to 1");
    }
  }

  private static long integer(JsonObject body, String field, long fallback) {
    if (!body.containsKey(field)) {
      return fallback;
    }
    Object value = body.getValue(field);
    // Jackson gives Integer or Long for integral JSON numbers; larger ones are out of range anyway.
    if (!(value instanceof Integer || value instanceof Long)) {
      throw invalid(field, value, "an integer");
    }
    return ((Number) value).longValue();
  }

  private static int status(long status) {
    if (status < 100 || status > 999) {
      throw invalid("errorStatus", status, "one of " + InjectedStatus.all());
    }
    return (int) status;
  }

  private static double rate(JsonObject body, String field, double fallback) {
    if (!body.containsKey(field)) {
      return fallback;
    }
    Object value = body.getValue(field);
    if (!(value instanceof Number number)) {
      throw invalid(field, value, "a number from 0 to 1");
    }
    return number.doubleValue();
  }

  private static boolean bool(JsonObject body, String field, boolean fallback) {
    if (!body.containsKey(field)) {
      return fallback;
    }
    Object value = body.getValue(field);
    if (!(value instanceof Boolean flag)) {
      throw invalid(field, value, "true or false");
    }
    return flag;
  }

  private static IllegalArgumentException invalid(String field, Object value, String expected) {
    String shown = value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    return new IllegalArgumentException(field + ": " + shown + " (expected: " + expected + ")");
  }
}
