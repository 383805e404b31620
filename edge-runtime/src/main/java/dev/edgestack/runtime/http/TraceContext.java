package dev.edgestack.runtime.http;

import java.util.regex.Pattern;

/**
 * A W3C Trace Context span: the trace id is kept from a valid incoming {@code traceparent}, each
 * tier adds its own span id, so the upstream sees this tier as the parent.
 */
public final class TraceContext {
  private static final Pattern TRACEPARENT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  private final String traceId;
  private final String spanId;
  private final String flags;

  private TraceContext(String traceId, String spanId, String flags) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.flags = flags;
  }

  /** A new span under {@code traceparent} when it is valid, else the root span of a new trace. */
  public static TraceContext childOf(String traceparent) {
    if (traceparent != null) {
      var matcher = TRACEPARENT.matcher(traceparent.trim());
      if (matcher.matches()
          && !matcher.group(1).equals("ff")
          && !matcher.group(2).equals(ZERO_TRACE)
          && !matcher.group(3).equals(ZERO_SPAN)) {
        return new TraceContext(matcher.group(2), Ids.nonZeroHex64(), matcher.group(4));
      }
    }
    return new TraceContext(Ids.nonZeroHex64() + Ids.nonZeroHex64(), Ids.nonZeroHex64(), "01");
  }

  public String traceId() {
    return traceId;
  }

  public String spanId() {
    return spanId;
  }

  /** The {@code traceparent} value to send upstream. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }
}
