package dev.edgestack.runtime.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A W3C Trace Context span: the trace id is kept from a valid incoming {@code traceparent}, each
 * tier adds its own span id, so the upstream sees this tier as the parent.
 */
public final class TraceContext {
  // version(2)-trace id(32)-parent id(16)-flags(2), lower-case hex, as W3C Trace Context says.
  private static final int LENGTH = 55;
  private static final int TRACE_ID = 3;
  private static final int SPAN_ID = 36;
  private static final int FLAGS = 53;

  // The traceparent to send upstream, as ASCII, built once when the span starts (a retry sends
  // the same value); the texts below are made from it only when something reads them, which on
  // a relay with the access log off is never.
  private final byte[] header;
  private String traceparent;
  private String traceId;
  private String spanId;

  private TraceContext(byte[] header) {
    this.header = header;
  }

  /** A new span under {@code traceparent} when it is valid, else the root span of a new trace. */
  public static TraceContext childOf(String traceparent) {
    if (traceparent == null) {
      return root();
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
    byte[] header = newHeader();
    System.arraycopy(bytes, from + TRACE_ID, header, TRACE_ID, 32);
    header[FLAGS] = bytes[from + FLAGS];
    header[FLAGS + 1] = bytes[from + FLAGS + 1];
    return new TraceContext(header);
  }

  private static TraceContext root() {
    byte[] header = newHeader();
    Ids.writeHex(Ids.nonZero(), header, TRACE_ID);
    Ids.writeHex(Ids.nonZero(), header, TRACE_ID + 16);
    header[FLAGS] = '0';
    header[FLAGS + 1] = '1';
    return new TraceContext(header);
  }

  /** Version 00 and a new span id; the trace id and flags are left to the caller. */
  private static byte[] newHeader() {
    byte[] header = new byte[LENGTH];
    header[0] = '0';
    header[1] = '0';
    header[TRACE_ID - 1] = '-';
    header[SPAN_ID - 1] = '-';
    Ids.writeHex(Ids.nonZero(), header, SPAN_ID);
    header[FLAGS - 1] = '-';
    return header;
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
      value = text(TRACE_ID, 32);
      traceId = value;
    }
    return value;
  }

  public String spanId() {
    String value = spanId;
    if (value == null) {
      value = text(SPAN_ID, 16);
      spanId = value;
    }
    return value;
  }

  /** The {@code traceparent} value to send upstream. */
  public String traceparent() {
    String value = traceparent;
    if (value == null) {
      value = text(0, LENGTH);
      traceparent = value;
    }
    return value;
  }

  /** Writes {@link #traceparent()} to {@code out} as it goes on the wire, without making text. */
  public void writeTraceparent(ByteBuf out) {
    out.writeBytes(header);
  }

  private String text(int offset, int length) {
    return new String(header, offset, length, StandardCharsets.ISO_8859_1);
  }
}
