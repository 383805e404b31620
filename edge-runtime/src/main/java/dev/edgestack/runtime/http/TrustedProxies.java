package dev.edgestack.runtime.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The address ranges (CIDR) whose {@code X-Forwarded-For} a tier believes. Everything else is a
 * client, whose forwarding headers are replaced.
 */
public final class TrustedProxies {
  private final List<byte[]> networks;
  private final List<Integer> prefixes;

  private TrustedProxies(List<byte[]> networks, List<Integer> prefixes) {
    this.networks = networks;
    this.prefixes = prefixes;
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of(), List.of());
  }

  /**
   * Parses CIDRs such as {@code 127.0.0.1/32} or {@code 10.0.0.0/8}; a bare address is a single
   * host. Only literal addresses are accepted, never names, so that parsing does no DNS lookup.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static TrustedProxies parse(List<String> cidrs) {
    List<byte[]> networks = new ArrayList<>();
    List<Integer> prefixes = new ArrayList<>();
    for (String cidr : cidrs) {
      String[] parts = cidr.trim().split("/", 2);
      byte[] address = literal(parts[0]);
      if (address == null) {
        throw new IllegalArgumentException(cidr + " is not an IP address or CIDR range");
      }
      int prefix = address.length * 8;
      if (parts.length == 2) {
        try {
          prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > address.length * 8) {
          throw new IllegalArgumentException(cidr + " has a bad prefix length");
        }
      }
      networks.add(address);
      prefixes.add(prefix);
    }
    return new TrustedProxies(List.copyOf(networks), List.copyOf(prefixes));
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether {@code address} (a literal IP; anything else is untrusted) is in a trusted range. */
  public boolean trusts(String address) {
    if (address == null || networks.isEmpty()) {
      return false;
    }
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    for (int i = 0; i < networks.size(); i++) {
      if (matches(networks.get(i), prefixes.get(i), bytes)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] network, int prefix, byte[] address) {
    if (network.length != address.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (network[i] != address[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (network[whole] & mask) == (address[whole] & mask);
  }

  private static boolean octetsInRange(String dotted) {
    for (String octet : dotted.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  // Checked to be a literal first: InetAddress would otherwise resolve a name through DNS.
  private static byte[] literal(String text) {
    byte[] plain = plainIpv4(text);
    if (plain != null) {
      return plain;
    }
    String value = text.trim();
    if (value.startsWith("[") && value.endsWith("]")) {
      value = value.substring(1, value.length() - 1);
    }
    boolean ipv4 = value.matches("\\d{1,3}(\\.\\d{1,3}){3}") && octetsInRange(value);
    boolean ipv6 = value.contains(":") && value.matches("[0-9A-Fa-f:.]+");
    if (!ipv4 && !ipv6) {
      return null;
    }
    try {
      return InetAddress.getByName(value).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The common case without regexes or {@link InetAddress}: four dot-separated decimal octets
   * without leading zeros (as peers' addresses are written). Anything else, null, is left to the
   * general parsing.
   */
  private static byte[] plainIpv4(String text) {
    int length = text.length();
    if (length < 7 || length > 15) {
      return null;
    }
    byte[] address = new byte[4];
    int octet = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= length; i++) {
      char c = i == length ? '.' : text.charAt(i);
      if (c == '.') {
        if (digits == 0 || octet == 4) {
          return null;
        }
        address[octet++] = (byte) value;
        value = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) {
          return null;
        }
        value = value * 10 + (c - '0');
        digits++;
        if (value > 255) {
          return null;
        }
      } else {
        return null;
      }
    }
    return octet == 4 ? address : null;
  }
}
