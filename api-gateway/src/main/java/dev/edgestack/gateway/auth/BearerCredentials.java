package dev.edgestack.gateway.auth;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Optional;

/**
 * What the {@code Authorization} header of a request holds: exactly one {@code Bearer} token
 * (scheme case-insensitive, RFC 6750 {@code b64token} syntax), or why not.
 */
record BearerCredentials(Kind kind, Optional<String> token) {
  // Read by hand rather than by regexes: this runs on every authenticated request. The header is
  // "scheme 1*SP credentials": a tchar scheme, spaces, then no whitespace to the end; the token is
  // RFC 6750's b64token, 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
  private static final boolean[] SCHEME_CHARS = asciiTable("!#$%&'*+.^_`|~-");
  private static final boolean[] TOKEN_CHARS = asciiTable("-._~+/");
  // The last header this thread read into a token, and the reading: a client sends the same header
  // on each request of its connection, and comparing it costs less than checking every character
  // again, copying the token out and hashing it for the cache (the reading's token String keeps
  // its hash). Reading is a function of the value alone, so serving the last reading changes
  // nothing.
  private static final CharSequence AUTHORIZATION = HttpHeaders.createOptimized("Authorization");
  private static final BearerCredentials MISSING_TOKEN =
      new BearerCredentials(Kind.MISSING, Optional.empty());
  private static final BearerCredentials DUPLICATE_HEADER =
      new BearerCredentials(Kind.DUPLICATE, Optional.empty());
  private static final FastThreadLocal<LastRead> LAST_READ =
      new FastThreadLocal<>() {
        @Override
        protected LastRead initialValue() {
          return new LastRead();
        }
      };

  /** One thread's last header that held a token, and that token. */
  private static final class LastRead {
    private String header;
    private BearerCredentials credentials;
  }

  /** The outcomes of reading the header. */
  enum Kind {
    MISSING,
    /** More than one {@code Authorization} header: ambiguous, a bad request. */
    DUPLICATE,
    OTHER_SCHEME,
    MALFORMED,
    PRESENT
  }

  /** A token taken from elsewhere than the header (a route's query parameter). */
  static BearerCredentials ofToken(String token) {
    return isB64Token(token)
        ? new BearerCredentials(Kind.PRESENT, Optional.of(token))
        : new BearerCredentials(Kind.MALFORMED, Optional.empty());
  }

  static BearerCredentials from(MultiMap headers) {
    String first = headers.get(AUTHORIZATION);
    if (first == null) {
      return MISSING_TOKEN;
    }
    List<String> values = headers.getAll(AUTHORIZATION);
    if (values.size() > 1) {
      return DUPLICATE_HEADER;
    }
    LastRead last = LAST_READ.get();
    if (first.equals(last.header)) {
      return last.credentials;
    }
    BearerCredentials read = read(first);
    if (read.kind == Kind.PRESENT) {
      last.header = first;
      last.credentials = read;
    }
    return read;
  }

  private static BearerCredentials read(String header) {
    String value = header.trim();
    int schemeEnd = 0;
    while (schemeEnd < value.length() && isSchemeChar(value.charAt(schemeEnd))) {
      schemeEnd++;
    }
    int tokenStart = schemeEnd;
    while (tokenStart < value.length() && value.charAt(tokenStart) == ' ') {
      tokenStart++;
    }
    boolean bearer = schemeEnd == 6 && value.regionMatches(true, 0, "bearer", 0, 6);
    // Whitespace after the token's start makes a bearer header malformed and another scheme's
    // header another scheme either way, so the b64token check below, which refuses whitespace,
    // is the only pass over the token.
    if (schemeEnd == 0 || tokenStart == schemeEnd || tokenStart == value.length()) {
      boolean bearerOnly = value.equalsIgnoreCase("bearer");
      return new BearerCredentials(
          bearerOnly || value.regionMatches(true, 0, "bearer ", 0, 7)
              ? Kind.MALFORMED
              : Kind.OTHER_SCHEME,
          Optional.empty());
    }
    if (!bearer) {
      return new BearerCredentials(Kind.OTHER_SCHEME, Optional.empty());
    }
    String token = value.substring(tokenStart);
    if (!isB64Token(token)) {
      return new BearerCredentials(Kind.MALFORMED, Optional.empty());
    }
    return new BearerCredentials(Kind.PRESENT, Optional.of(token));
  }

  /** ASCII letters, digits and {@code symbols}, as a table: one load per character. */
  private static boolean[] asciiTable(String symbols) {
    boolean[] table = new boolean[128];
    for (char c = 0; c < 128; c++) {
      table[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
    for (char c : symbols.toCharArray()) {
      table[c] = true;
    }
    return table;
  }

  private static boolean isSchemeChar(char c) {
    return c < 128 && SCHEME_CHARS[c];
  }

  private static boolean isB64Token(String token) {
    int end = token.length();
    while (end > 0 && token.charAt(end - 1) == '=') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (int i = 0; i < end; i++) {
      char c = token.charAt(i);
      if (c >= 128 || !TOKEN_CHARS[c]) {
        return false;
      }
    }
    return true;
  }
}
