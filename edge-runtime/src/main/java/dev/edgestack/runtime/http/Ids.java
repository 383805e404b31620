package dev.edgestack.runtime.http;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers for requests and traces; uniqueness matters here, secrecy does not. */
public final class Ids {
  private Ids() {}

  public static String newRequestId() {
    return hex(ThreadLocalRandom.current().nextLong())
        + hex(ThreadLocalRandom.current().nextLong());
  }

  static String hex(long value) {
    String digits = Long.toHexString(value);
    return "0".repeat(16 - digits.length()) + digits;
  }

  static String nonZeroHex64() {
    long value;
    do {
      value = ThreadLocalRandom.current().nextLong();
    } while (value == 0);
    return hex(value);
  }
}
