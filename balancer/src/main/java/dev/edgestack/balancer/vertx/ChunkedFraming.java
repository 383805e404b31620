package dev.edgestack.balancer.vertx;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a chunked body ends (RFC 9112 7.1) while its bytes pass through unchanged, and counts
 * its data against a cap. Chunk extensions and trailer fields are passed on, within line limits.
 */
final class ChunkedFraming {
  private static final int MAX_LINE = 4096;
  private static final int SIZE = 0;
  private static final int EXTENSION = 1;
  private static final int SIZE_LF = 2;
  private static final int DATA = 3;
  private static final int DATA_CR = 4;
  private static final int DATA_LF = 5;
  private static final int TRAILER_START = 6;
  private static final int TRAILER_LINE = 7;
  private static final int FINAL_LF = 8;
  private static final int DONE = 9;

  /** The body is not valid chunked framing, or its data passed the cap. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean tooLarge;

    Invalid(String reason, boolean tooLarge) {
      super(reason, null, false, false);
      this.tooLarge = tooLarge;
    }
  }

  private long maxDataBytes;
  private int state = SIZE;
  private long chunkRemaining;
  private boolean sawDigit;
  private int lineLength;
  private long dataBytes;

  /** {@code maxDataBytes} below zero means no cap. */
  ChunkedFraming(long maxDataBytes) {
    this.maxDataBytes = maxDataBytes;
  }

  /**
   * Lowers the cap to {@code max} (a route's own, known once the head has been routed) when it is
   * tighter; fails when the data counted so far already passed it.
   */
  void capAt(long max) throws Invalid {
    if (max < 0 || maxDataBytes >= 0 && maxDataBytes <= max) {
      return;
    }
    maxDataBytes = max;
    if (dataBytes > max) {
      throw new Invalid("body larger than the limit", true);
    }
  }

  boolean done() {
    return state == DONE;
  }

  /**
   * Reads {@code buffer} from its reader index without moving it; returns how many of its bytes
   * belong to the body (all of them unless the body ends inside it).
   */
  int scan(ByteBuf buffer) throws Invalid {
    int from = buffer.readerIndex();
    int to = buffer.writerIndex();
    int i = from;
    while (i < to && state != DONE) {
      if (state == DATA) {
        int take = (int) Math.min(chunkRemaining, to - i);
        i += take;
        chunkRemaining -= take;
        if (chunkRemaining == 0) {
          state = DATA_CR;
        }
        continue;
      }
      byte b = buffer.getByte(i++);
      switch (state) {
        case SIZE -> {
          int digit = Character.digit(b, 16);
          if (digit >= 0) {
            if (chunkRemaining > (Long.MAX_VALUE >> 5)) {
              throw new Invalid("chunk size out of range", false);
            }
            chunkRemaining = chunkRemaining * 16 + digit;
            sawDigit = true;
          } else if (b == ';' && sawDigit) {
            state = EXTENSION;
          } else if (b == '\r' && sawDigit) {
            state = SIZE_LF;
          } else {
            throw new Invalid("malformed chunk size", false);
          }
          lineLength++;
        }
        case EXTENSION -> {
          if (b == '\r') {
            state = SIZE_LF;
          } else if (b == '\n' || ++lineLength > MAX_LINE) {
            throw new Invalid("malformed chunk extension", false);
          }
        }
        case SIZE_LF -> {
          if (b != '\n') {
            throw new Invalid("chunk size line without CRLF", false);
          }
          sawDigit = false;
          lineLength = 0;
          if (chunkRemaining == 0) {
            state = TRAILER_START;
          } else {
            dataBytes += chunkRemaining;
            if (maxDataBytes >= 0 && dataBytes > maxDataBytes) {
              throw new Invalid("body larger than the limit", true);
            }
            state = DATA;
          }
        }
        case DATA_CR -> state = expect(b, '\r', DATA_LF);
        case DATA_LF -> state = expect(b, '\n', SIZE);
        case TRAILER_START -> state = b == '\r' ? FINAL_LF : TRAILER_LINE;
        case TRAILER_LINE -> {
          if (b == '\n') {
            state = TRAILER_START;
            lineLength = 0;
          } else if (++lineLength > MAX_LINE) {
            throw new Invalid("trailer field too long", false);
          }
        }
        case FINAL_LF -> state = expect(b, '\n', DONE);
        default -> throw new IllegalStateException("state " + state);
      }
    }
    return i - from;
  }

  private static int expect(byte b, char wanted, int next) throws Invalid {
    if (b != wanted) {
      throw new Invalid("chunk data not followed by CRLF", false);
    }
    return next;
  }
}
