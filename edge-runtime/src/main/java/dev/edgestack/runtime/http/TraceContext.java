package dev.edgestack.runtime.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A W3C Trace Context span: the trace id is kept from a valid incoming {@code traceparent}, each
 * tier adds its own span id, so the upstream sees this tier as the parent.
 *
 * <p>Immutable as {@link #childOf} makes it; a relay that serves one request at a time per
 * connection may instead keep one per connection and {@link #resetChildOf reset} it per request.
 */
public final class TraceContext {
  // version(2)-trace id(32)-parent id(16)-flags(2), lower-case hex, as W3C Trace Context says.
  private static final int LENGTH = 55;
  private static final int TRACE_ID = 3;
  private static final int SPAN_ID = 36;
  private static final int FLAGS = 53;

  // The ids as numbers: a relay writes them as hex straight into the head it sends, and makes
  // the texts below only when something reads them (with the access log off, nothing does).
  private long traceHigh;
  private long traceLow;
  private long span;
  private byte flagsHigh;
  private byte flagsLow;
  private String traceparent;
  private String traceId;
  private String spanId;

  private TraceContext() {}

  /**
   * A context to be {@link #resetChildOf reset} for each request: the root span of a new trace
   * until then.
   */
  public static TraceContext reusable() {
    return new TraceContext().root();
  }

  /** A new span under {@code traceparent} when it is valid, else the root span of a new trace. */
  public static TraceContext childOf(String traceparent) {
    if (traceparent == null) {
      return new TraceContext().root();
    }
    // A character beyond Latin-1 becomes '?', which no valid value contains.
    byte[] bytes = traceparent.getBytes(StandardCharsets.ISO_8859_1);
    return childOf(bytes, 0, bytes.length);
  }

  /**
   * {@link #childOf(String)} for the incoming value as the bytes {@code [from, to)} of a message
   * head, read in place.
   */
  public static TraceContext childOf(byte[] bytes, int from, int to) {
    return new TraceContext().resetChildOf(bytes, from, to);
  }

  /**
   * Makes this the context {@link #childOf(byte[], int, int)} would make (a root span when {@code
   * bytes} is null), forgetting the previous one: for a holder of a {@link #reusable()} context
   * that nothing reads once its request is over.
   */
  public TraceContext resetChildOf(byte[] bytes, int from, int to) {
    if (bytes == null) {
      return root();
    }
    // As String.trim: whatever is at most a space goes at both ends.
    while (from < to && (bytes[from] & 0xff) <= ' ') {
      from++;
    }
    while (to > from && (bytes[to - 1] & 0xff) <= ' ') {
      to--;
    }
    if (!isValid(bytes, from, to)) {
      return root();
    }
    return set(
        hexValue(bytes, from + TRACE_ID),
        hexValue(bytes, from + TRACE_ID + 16),
        bytes[from + FLAGS],
        bytes[from + FLAGS + 1]);
  }

  private TraceContext root() {
    return set(Ids.nonZero(), Ids.nonZero(), (byte) '0', (byte) '1');
  }

  private TraceContext set(long traceHigh, long traceLow, byte flagsHigh, byte flagsLow) {
    this.traceHigh = traceHigh;
    this.traceLow = traceLow;
    this.span = Ids.nonZero();
    this.flagsHigh = flagsHigh;
    this.flagsLow = flagsLow;
    this.traceparent = null;
    this.traceId = null;
    this.spanId = null;
    return this;
  }

  /** The value of 16 lower-case hex digits at {@code from} (already checked). */
  private static long hexValue(byte[] bytes, int from) {
    long value = 0;
    for (int i = from; i < from + 16; i++) {
      byte c = bytes[i];
      value = value << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return value;
  }

  // Checked by hand rather than by a regex: this runs on every request at every tier.
  private static boolean isValid(byte[] value, int from, int to) {
    if (to - from != LENGTH
        || value[from + TRACE_ID - 1] != '-'
        || value[from + SPAN_ID - 1] != '-'
        || value[from + FLAGS - 1] != '-') {
      return false;
    }
    return isHex(value, from, from + 2)
        && !(value[from] == 'f' && value[from + 1] == 'f')
        && isHex(value, from + TRACE_ID, from + SPAN_ID - 1)
        && !isZero(value, from + TRACE_ID, from + SPAN_ID - 1)
        && isHex(value, from + SPAN_ID, from + FLAGS - 1)
        && !isZero(value, from + SPAN_ID, from + FLAGS - 1)
        && isHex(value, from + FLAGS, from + LENGTH);
  }

  private static boolean isHex(byte[] value, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = value[i];
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZero(byte[] value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (value[i] != '0') {
        return false;
      }
    }
    return true;
  }

  public String traceId() {
    String value = traceId;
    if (value == null) {
      value = Ids.hex(traceHigh, traceLow);
      traceId = value;
    }
    return value;
  }

  public String spanId() {
    String value = spanId;
    if (value == null) {
      value = traceparent().substring(SPAN_ID, FLAGS - 1);
      spanId = value;
    }
    return value;
  }

  /** The {@code traceparent} value to send upstream. */
  public String traceparent() {
    String value = traceparent;
    if (value == null) {
      byte[] text = new byte[LENGTH];
      text[0] = '0';
      text[1] = '0';
      text[TRACE_ID - 1] = '-';
      Ids.writeHex(traceHigh, text, TRACE_ID);
      Ids.writeHex(traceLow, text, TRACE_ID + 16);
      text[SPAN_ID - 1] = '-';
      Ids.writeHex(span, text, SPAN_ID);
      text[FLAGS - 1] = '-';
      text[FLAGS] = flagsHigh;
      text[FLAGS + 1] = flagsLow;
      value = new String(text, StandardCharsets.ISO_8859_1);
      traceparent = value;
    }
    return value;
  }

  /** Writes {@link #traceparent()} to {@code out} as it goes on the wire, without making text. */
  public void writeTraceparent(ByteBuf out) {
    out.writeByte('0');
    out.writeByte('0');
    out.writeByte('-');
    Ids.writeHex(traceHigh, out);
    Ids.writeHex(traceLow, out);
    out.writeByte('-');
    Ids.writeHex(span, out);
    out.writeByte('-');
    out.writeByte(flagsHigh);
    out.writeByte(flagsLow);
  }
}
