package dev.edgestack.runtime.http;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers for requests and traces; uniqueness matters here, secrecy does not. */
public final class Ids {
  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

  private Ids() {}

  public static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] text = new byte[32];
    write(random.nextLong(), text, 0);
    write(random.nextLong(), text, 16);
    return latin1(text);
  }

  static String hex(long value) {
    byte[] text = new byte[16];
    write(value, text, 0);
    return latin1(text);
  }

  static String nonZeroHex64() {
    return hex(nonZero(ThreadLocalRandom.current()));
  }

  /** A new 128-bit trace id: two non-zero halves, so never the invalid all-zero id. */
  static String nonZeroHex128() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] text = new byte[32];
    write(nonZero(random), text, 0);
    write(nonZero(random), text, 16);
    return latin1(text);
  }

  private static long nonZero(ThreadLocalRandom random) {
    long value;
    do {
      value = random.nextLong();
    } while (value == 0);
    return value;
  }

  /** Sixteen lower-case hex digits of {@code value}, zero-padded, at {@code offset}. */
  private static void write(long value, byte[] text, int offset) {
    for (int i = 15; i >= 0; i--) {
      text[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  private static String latin1(byte[] ascii) {
    return new String(ascii, StandardCharsets.ISO_8859_1);
  }
}
