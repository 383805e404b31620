package dev.edgestack.runtime.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers for requests and traces; uniqueness matters here, secrecy does not. */
public final class Ids {
  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

  private Ids() {}

  public static String newRequestId() {
    return new String(newRequestIdBytes(), StandardCharsets.ISO_8859_1);
  }

  /**
   * A new request id as 32 lower-case hex ASCII bytes, for listeners that write heads as bytes and
   * need the text only when they log it.
   */
  public static byte[] newRequestIdBytes() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] text = new byte[32];
    writeHex(random.nextLong(), text, 0);
    writeHex(random.nextLong(), text, 16);
    return text;
  }

  /** A random value that is never zero, so never an invalid trace or span id half. */
  static long nonZero() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long value;
    do {
      value = random.nextLong();
    } while (value == 0);
    return value;
  }

  /** Sixteen lower-case hex digits of {@code value}, zero-padded, at {@code offset}. */
  static void writeHex(long value, byte[] text, int offset) {
    for (int i = 15; i >= 0; i--) {
      text[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
