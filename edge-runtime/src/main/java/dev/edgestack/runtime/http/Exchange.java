package dev.edgestack.runtime.http;

import dev.edgestack.runtime.failure.FailureKind;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One request as an edge tier sees it: its request id, trace context, start time and what the
 * access log will say about it. Every tier begins an exchange first thing on every request.
 */
public final class Exchange {
  public static final String REQUEST_ID = "X-Request-Id";
  public static final String TRACEPARENT = "traceparent";
  private static final int MAX_REQUEST_ID = 128;
  // Letters, digits and ._:+/=- (checked per byte of every incoming id: one load, not ten
  // compares).
  private static final boolean[] REQUEST_ID_CHARS = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      REQUEST_ID_CHARS[c] = true;
      REQUEST_ID_CHARS[c - 32] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      REQUEST_ID_CHARS[c] = true;
    }
    for (char c : "._:+/=-".toCharArray()) {
      REQUEST_ID_CHARS[c] = true;
    }
  }

  private final HttpServerRequest request;
  private final String requestId;
  private final TraceContext trace;
  private final long startNanos = System.nanoTime();
  private final AccessLog accessLog;
  private final ServerMetrics.ByMethod meters;
  // Most exchanges never register one: the list is made by the first.
  private List<Runnable> abortCallbacks;
  private String upstream;
  private FailureKind failure;
  private boolean finished;
  private boolean aborted;

  private Exchange(
      HttpServerRequest request, String requestId, TraceContext trace, AccessLog accessLog) {
    this.request = request;
    this.requestId = requestId;
    this.trace = trace;
    this.accessLog = accessLog;
    this.meters = accessLog.started(request);
  }

  /**
   * Begins an exchange: keeps a well-formed client request id or makes one, starts a span under the
   * caller's trace (or a new trace), echoes the id on the response and logs the request when its
   * response ends.
   */
  public static Exchange begin(HttpServerRequest request, AccessLog accessLog) {
    String incoming = request.getHeader(REQUEST_ID);
    String requestId = isValidRequestId(incoming) ? incoming : Ids.newRequestId();
    Exchange exchange =
        new Exchange(
            request, requestId, TraceContext.childOf(request.getHeader(TRACEPARENT)), accessLog);
    HttpServerResponse response = request.response();
    response.putHeader(REQUEST_ID, requestId);
    // Vert.x also calls the end handler when the connection closes before the response ended,
    // so ended() tells a completed exchange from one the client walked away from.
    response.endHandler(ignored -> exchange.finish(response.ended()));
    response.closeHandler(ignored -> exchange.finish(false));
    return exchange;
  }

  private void finish(boolean completed) {
    if (finished) {
      return;
    }
    finished = true;
    if (!completed) {
      aborted = true;
      if (abortCallbacks != null) {
        for (Runnable callback : abortCallbacks) {
          callback.run();
        }
      }
    }
    accessLog.write(this, meters, aborted);
  }

  /**
   * Runs {@code callback} if the client goes away before the response is complete, so that work
   * done on its behalf (an upstream request) can be cancelled. Call on the request's context.
   */
  public void onAbort(Runnable callback) {
    if (aborted) {
      callback.run();
    } else if (!finished) {
      if (abortCallbacks == null) {
        abortCallbacks = new ArrayList<>(1);
      }
      abortCallbacks.add(callback);
    }
  }

  /** Whether the client went away before its response was complete. */
  public boolean aborted() {
    return aborted;
  }

  /** Whether {@code value} is 1 to 128 characters of {@code A-Z a-z 0-9 . _ : + / = -}. */
  public static boolean isValidRequestId(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_REQUEST_ID) {
      return false;
    }
    // By hand rather than by a regex: this runs on every request at every tier.
    for (int i = 0; i < value.length(); i++) {
      if (!allowedInRequestId(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #isValidRequestId(String)} for the bytes {@code [from, to)} of a message head, read in
   * place by listeners that parse heads themselves.
   */
  public static boolean isValidRequestId(byte[] bytes, int from, int to) {
    if (to <= from || to - from > MAX_REQUEST_ID) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!allowedInRequestId((char) (bytes[i] & 0xff))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowedInRequestId(char c) {
    return c < REQUEST_ID_CHARS.length && REQUEST_ID_CHARS[c];
  }

  public HttpServerRequest request() {
    return request;
  }

  public String requestId() {
    return requestId;
  }

  public TraceContext trace() {
    return trace;
  }

  public long startNanos() {
    return startNanos;
  }

  public String upstream() {
    return upstream;
  }

  /** Names the upstream endpoint that served the request, for the access log. */
  public void upstream(String upstream) {
    this.upstream = upstream;
  }

  public FailureKind failure() {
    return failure;
  }

  public void failure(FailureKind failure) {
    this.failure = failure;
  }
}
