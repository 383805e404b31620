package dev.edgestack.samples;

import java.util.Locale;

/** What the fault injector does with one request on the HTTP port. */
enum FaultAction {
  /** Serve it normally (after the configured latency). */
  PASS,
  /** Answer the configured error status as a problem. */
  ERROR,
  /** Close the connection without an answer. */
  RESET,
  /** Never answer; the connection stays open until the client, idling or shutdown closes it. */
  HANG;

  /** The metric tag. */
  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
