package dev.edgestack.runtime.http;

/**
 * A W3C Trace Context span: the trace id is kept from a valid incoming {@code traceparent}, each
 * tier adds its own span id, so the upstream sees this tier as the parent.
 */
public final class TraceContext {
  // version(2)-trace id(32)-parent id(16)-flags(2), lower-case hex, as W3C Trace Context says.
  private static final int LENGTH = 55;

  private final String traceId;
  private final String spanId;
  private final String flags;
  // Built once, when first sent upstream; a retry sends the same value.
  private String traceparent;

  private TraceContext(String traceId, String spanId, String flags) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.flags = flags;
  }

  /** A new span under {@code traceparent} when it is valid, else the root span of a new trace. */
  public static TraceContext childOf(String traceparent) {
    if (traceparent != null) {
      String value = traceparent.trim();
      if (isValid(value)) {
        return new TraceContext(
            value.substring(3, 35), Ids.nonZeroHex64(), value.substring(53, 55));
      }
    }
    return new TraceContext(Ids.nonZeroHex128(), Ids.nonZeroHex64(), "01");
  }

  // Checked by hand rather than by a regex: this runs on every request at every tier.
  private static boolean isValid(String value) {
    if (value.length() != LENGTH
        || value.charAt(2) != '-'
        || value.charAt(35) != '-'
        || value.charAt(52) != '-') {
      return false;
    }
    return isHex(value, 0, 2)
        && !value.startsWith("ff")
        && isHex(value, 3, 35)
        && !isZero(value, 3, 35)
        && isHex(value, 36, 52)
        && !isZero(value, 36, 52)
        && isHex(value, 53, 55);
  }

  private static boolean isHex(String value, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZero(String value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (value.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  public String traceId() {
    return traceId;
  }

  public String spanId() {
    return spanId;
  }

  /** The {@code traceparent} value to send upstream. */
  public String traceparent() {
    String value = traceparent;
    if (value == null) {
      value = "00-" + traceId + "-" + spanId + "-" + flags;
      traceparent = value;
    }
    return value;
  }
}
