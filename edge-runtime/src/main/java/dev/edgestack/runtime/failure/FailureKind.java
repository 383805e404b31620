package dev.edgestack.runtime.failure;

import java.util.Locale;

/**
 * The one failure taxonomy of the stack. Each kind fixes its HTTP status, its metric tag and how
 * loudly it is logged, so that every tier reports the same failure the same way.
 */
public enum FailureKind {
  BAD_REQUEST(400, "Bad request", Severity.CLIENT),
  NO_ROUTE(404, "No route", Severity.CLIENT),
  NOT_FOUND(404, "Not found", Severity.CLIENT),
  METHOD_NOT_ALLOWED(405, "Method not allowed", Severity.CLIENT),
  PAYLOAD_TOO_LARGE(413, "Payload too large", Severity.CLIENT),
  UNAUTHENTICATED(401, "Unauthenticated", Severity.CLIENT),
  FORBIDDEN(403, "Forbidden", Severity.CLIENT),
  RATE_LIMITED(429, "Too many requests", Severity.CLIENT),
  /** The client went away before its answer was complete (no answer can be sent; 499 as NGINX). */
  CLIENT_CLOSED(499, "Client closed the request", Severity.CLIENT),
  NO_HEALTHY_ENDPOINT(503, "No healthy endpoint", Severity.UPSTREAM),
  UNAVAILABLE(503, "Service unavailable", Severity.UPSTREAM),
  CONNECT_FAILED(502, "Upstream connection failed", Severity.UPSTREAM),
  UPSTREAM_TIMEOUT(504, "Upstream timeout", Severity.UPSTREAM),
  UPSTREAM_RESET(502, "Upstream reset the connection", Severity.UPSTREAM),
  BAD_UPSTREAM_RESPONSE(502, "Bad upstream response", Severity.UPSTREAM),
  INTERNAL(500, "Internal error", Severity.INTERNAL);

  /** How a failure is logged: client mistakes quietly, our own faults loudly. */
  public enum Severity {
    CLIENT,
    UPSTREAM,
    INTERNAL
  }

  private final int status;
  private final String title;
  private final Severity severity;
  private final String tag;

  FailureKind(int status, String title, Severity severity) {
    this.status = status;
    this.title = title;
    this.severity = severity;
    this.tag = name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public Severity severity() {
    return severity;
  }

  /** The metric tag and problem type suffix, such as {@code no-healthy-endpoint}. */
  public String tag() {
    return tag;
  }
}
