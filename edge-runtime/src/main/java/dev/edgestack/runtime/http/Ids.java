package dev.edgestack.runtime.http;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers for requests and traces; uniqueness matters here, secrecy does not. */
public final class Ids {
  private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

  private Ids() {}

  public static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return hex(random.nextLong(), random.nextLong());
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

  /** The 32 lower-case hex digits of {@code high} then {@code low}, zero-padded. */
  public static String hex(long high, long low) {
    byte[] text = new byte[32];
    writeHex(high, text, 0);
    writeHex(low, text, 16);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes the 16 lower-case hex digits of {@code value} to {@code out}, as listeners that write
   * heads as bytes do, without making text.
   */
  public static void writeHex(long value, ByteBuf out) {
    out.writeLong(hexWord((int) (value >>> 32)));
    out.writeLong(hexWord((int) value));
  }

  /** The 8 hex digits of {@code value} as ASCII bytes packed into a long, first digit highest. */
  private static long hexWord(int value) {
    long word = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
      word = word << 8 | DIGITS[(value >>> shift) & 0xf];
    }
    return word;
  }

  /** Sixteen lower-case hex digits of {@code value}, zero-padded, at {@code offset}. */
  static void writeHex(long value, byte[] text, int offset) {
    for (int i = 15; i >= 0; i--) {
      text[offset + i] = DIGITS[(int) (value & 0xf)];
      value >>>= 4;
    }
  }
}
