package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys as a second way to authenticate: the request header that carries the key and, for each
 * key, the SHA-256 of its text (hex), the client it stands for and the scopes it grants.
 *
 * <p>Only hashes are stored so that a leaked config file, backup or log of it gives nobody a usable
 * key. A fast unsalted hash is enough here, unlike for passwords: API keys are long random strings
 * (at least 128 bits), so guessing one from its hash is as hopeless as guessing the key itself, and
 * a per-request SHA-256 costs about a microsecond where a slow hash would cost milliseconds.
 *
 * <pre>
 * auth:
 *   apiKeys:
 *     header: X-Api-Key
 *     keys:
 *       - client: demo-client
 *         sha256: 4f1c...   # printf %s "$KEY" | sha256sum
 *         scopes: [rates:read]
 * </pre>
 */
public record ApiKeyConfig(String header, List<Entry> keys) {
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CLIENT = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Set<String> RESERVED =
      Set.of("authorization", "cookie", "host", "connection", "content-length");

  /** One key: the hex SHA-256 of its text, its client id and its scopes. */
  public record Entry(String client, String sha256, List<String> scopes) {
    public Entry {
      scopes = List.copyOf(scopes);
    }
  }

  public ApiKeyConfig {
    keys = List.copyOf(keys);
  }

  static ApiKeyConfig from(ConfigNode node) {
    node.requireOnly("header", "keys");
    String header = node.string("header", "X-Api-Key");
    if (!HEADER.matcher(header).matches()
        || RESERVED.contains(header.toLowerCase(Locale.ROOT))
        || header.toLowerCase(Locale.ROOT).startsWith("x-auth-")) {
      throw node.error(
          "header", header, "a header name of letters, digits and '-', not an X-Auth-* one");
    }
    List<ConfigNode> items = node.objects("keys");
    if (items.isEmpty()) {
      throw node.error("keys", null, "a non-empty list of {client, sha256, scopes}");
    }
    List<Entry> keys = new ArrayList<>();
    Set<String> hashes = new HashSet<>();
    for (ConfigNode item : items) {
      item.requireOnly("client", "sha256", "scopes");
      String client = item.string("client");
      if (!CLIENT.matcher(client).matches()) {
        throw item.error("client", client, "1 to 128 printable ASCII characters without spaces");
      }
      String sha256 = item.string("sha256").toLowerCase(Locale.ROOT);
      if (!SHA256.matcher(sha256).matches()) {
        throw item.error("sha256", sha256, "64 hex digits: the SHA-256 of the key");
      }
      if (!hashes.add(sha256)) {
        throw item.error("sha256", sha256, "a hash not used by another key");
      }
      keys.add(new Entry(client, sha256, item.strings("scopes")));
    }
    return new ApiKeyConfig(header, keys);
  }
}
