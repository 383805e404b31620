package dev.edgestack.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.gateway.route.UpstreamTemplate;
import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {
  private static final String COMMON =
      """
      instance: {name: gw}
      server: {port: 0}
      admin: {port: 0}
      """;
  private static final String CLUSTER =
      """
      cluster: {name: test, host: 127.0.0.1, port: 5701, members: "127.0.0.1:5701"}
      """;
  private static final String JWT =
      """
      auth:
        jwt: {issuer: iss, audience: aud, jwksUrl: "http://127.0.0.1:1/jwks", algorithms: [RS256]}
      """;
  private static final String UPSTREAMS =
      """
      upstreams:
        accounts: {endpoints: "127.0.0.1:8081"}
      """;
  private static final String LIMITS =
      """
      rateLimits:
        - {name: per-client, key: client-address, limit: 60, period: 1m}
      """;

  @Test
  void theRealFileTakesItsClusterDiscoveryFromTheEnvironment() {
    ClusterConfig local =
        GatewayConfig.from(
                ConfigLoader.withVariables(Map.of()).load(Path.of("../config/api-gateway.yaml")))
            .cluster()
            .orElseThrow();
    assertThat(local.discovery()).isEqualTo(ClusterConfig.Discovery.TCP_IP);
    assertThat(local.dnsName()).isEmpty();

    ClusterConfig compose =
        GatewayConfig.from(
                ConfigLoader.withVariables(
                        Map.of(
                            "CLUSTER_DISCOVERY", "dns",
                            "CLUSTER_DNS_NAME", "api-gateway",
                            "EDGE_BIND", "0.0.0.0"))
                    .load(Path.of("../config/api-gateway.yaml")))
            .cluster()
            .orElseThrow();
    assertThat(compose.discovery()).isEqualTo(ClusterConfig.Discovery.DNS);
    assertThat(compose.dnsName()).isEqualTo("api-gateway");
  }

  @Test
  void loadsTheRealGatewayFile() {
    ConfigNode root =
        ConfigLoader.withVariables(Map.of("CLUSTER_MEMBERS", "127.0.0.1:5701,127.0.0.1:5702"))
            .load(Path.of("../config/api-gateway.yaml"));

    GatewayConfig config = GatewayConfig.from(root);

    assertThat(config.cluster().orElseThrow().members())
        .containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
    JwtConfig jwt = config.jwt().orElseThrow();
    assertThat(jwt.algorithms()).containsExactly("RS256");
    assertThat(jwt.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.upstreams()).containsOnlyKeys("accounts", "transactions", "rates");
    assertThat(config.circuitBreakers()).containsOnlyKeys("accounts", "transactions", "rates");
    RateLimitConfig limit = config.rateLimits().get("rates-per-client");
    assertThat(limit.limit()).isEqualTo(60);
    assertThat(limit.burst()).isEqualTo(60);
    assertThat(limit.period()).isEqualTo(Duration.ofMinutes(1));
    assertThat(limit.onStoreFailure()).isEqualTo(StoreFailurePolicy.FAIL_OPEN);
    assertThat(config.routes())
        .extracting(RouteConfig::id)
        .containsExactly(
            "rates", "partner-rates", "account-overview", "account-transactions", "account");
    assertThat(config.routes().get(1).auth()).isEqualTo(AuthMode.JWT_OR_API_KEY);
    ApiKeyConfig apiKeys = config.apiKeys().orElseThrow();
    assertThat(apiKeys.header()).isEqualTo("X-Api-Key");
    assertThat(apiKeys.keys())
        .extracting(ApiKeyConfig.Entry::client)
        .containsExactly("demo-client");
    RouteConfig overview = config.routes().get(2);
    assertThat(overview.methods()).isEqualTo(Set.of(HttpMethod.GET));
    assertThat(overview.scopes()).containsExactly("accounts:read");
    RouteTarget.Compose compose = (RouteTarget.Compose) overview.target();
    assertThat(compose.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(compose.parts())
        .extracting(ComposePart::name, ComposePart::required)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("account", true),
            org.assertj.core.groups.Tuple.tuple("transactions", false),
            org.assertj.core.groups.Tuple.tuple("rates", false));
    UpstreamTemplate account = ((RouteTarget.Proxy) config.routes().get(4).target()).path();
    assertThat(account.expand(Map.of("id", "acc-alice-1"), "x=1"))
        .isEqualTo("/accounts/acc-alice-1?x=1");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown upstream        | upstream: nowhere, upstreamPath: /a                            | routes[0].upstream: "nowhere"
          unknown rate limit      | upstream: accounts, upstreamPath: /a, rateLimits: [nope]       | routes[0].rateLimits: "nope"
          bad path template       | path: "/api/{id", upstream: accounts, upstreamPath: /a        | routes[0].path: "/api/{id"
          empty path segment      | path: /api//x, upstream: accounts, upstreamPath: /a           | routes[0].path: "/api//x"
          duplicate variable      | path: "/a/{id}/{id}", upstream: accounts, upstreamPath: /a    | routes[0].path
          foreign variable        | upstream: accounts, upstreamPath: "/a/{other}"                | routes[0].upstreamPath: "/a/{other}"
          dot segment upstream    | upstream: accounts, upstreamPath: /a/../b                     | routes[0].upstreamPath: "/a/../b"
          no target               | methods: [GET]                                                | routes[0].upstream: missing
          proxy and compose       | upstream: accounts, upstreamPath: /a, compose: [{part: a, upstream: accounts, path: /a}] | routes[0].upstream: "accounts"
          missing upstreamPath    | upstream: accounts                                            | routes[0].upstreamPath: missing
          unknown part upstream   | compose: [{part: a, upstream: nowhere, path: /a}]             | routes[0].compose[0].upstream: "nowhere"
          part named missing      | compose: [{part: missing, upstream: accounts, path: /a}]      | routes[0].compose[0].part: "missing"
          duplicate part          | compose: [{part: a, upstream: accounts, path: /a}, {part: a, upstream: accounts, path: /b}] | routes[0].compose[1].part: "a"
          zero timeout on proxy   | upstream: accounts, upstreamPath: /a, timeout: 0s             | routes[0].timeout: "0s"
          part after unknown      | compose: [{part: a, upstream: accounts, path: /a, after: [b]}] | routes[0].compose[0].after: "b"
          part after itself       | compose: [{part: a, upstream: accounts, path: /a, after: [a]}] | routes[0].compose[0].after: "a"
          unknown part field      | compose: [{part: a, upstream: accounts, path: "/a/{b.id}"}]   | routes[0].compose[0].path: "/a/{b.id}"
          foreign part variable   | compose: [{part: a, upstream: accounts, path: "/a/{other}"}]  | routes[0].compose[0].path: "/a/{other}"
          cycle of parts          | compose: [{part: a, upstream: accounts, path: "/a/{b.id}"}, {part: b, upstream: accounts, path: /b, after: [c]}, {part: c, upstream: accounts, path: /c, after: [a]}] | routes[0].compose[0].after: "a -> b -> c -> a"
          fallback on required    | compose: [{part: a, upstream: accounts, path: /a, fallback: {}}] | routes[0].compose[0].fallback: "{}"
          part timeout too long   | timeout: 1s, compose: [{part: a, upstream: accounts, path: /a, timeout: 2s}] | routes[0].compose[0].timeout: "2s"
          proxy field reference   | upstream: accounts, upstreamPath: "/a/{b.id}"                 | routes[0].upstreamPath: "/a/{b.id}"
          bad method              | methods: [FETCH], upstream: accounts, upstreamPath: /a        | routes[0].methods: "FETCH"
          scopes without jwt      | auth: none, scopes: [a], upstream: accounts, upstreamPath: /a | routes[0].scopes: "a"
          query token without jwt | auth: none, queryToken: true, upstream: accounts, upstreamPath: /a | routes[0].queryToken: "true"
          claims without jwt      | auth: none, claims: {tenant: a}, upstream: accounts, upstreamPath: /a | routes[0].claims
          bad scopes match        | scopesMatch: some, upstream: accounts, upstreamPath: /a       | routes[0].scopesMatch: "some"
          unknown route key       | upstream: accounts, upstreamPath: /a, retries: 3              | routes[0].retries: unknown key
          negative body limit     | upstream: accounts, upstreamPath: /a, maxBodyBytes: -1        | routes[0].maxBodyBytes: "-1"
          text body limit         | upstream: accounts, upstreamPath: /a, maxBodyBytes: 1MB       | routes[0].maxBodyBytes: "1MB"
          """)
  void rejectsABadRouteNamingFileAndKey(String name, String route, String message) {
    String yaml =
        COMMON
            + CLUSTER
            + JWT
            + UPSTREAMS
            + LIMITS
            + "routes:\n  - {id: r, "
            + (route.trim().startsWith("path:") ? "" : "path: \"/api/{id}\", ")
            + (route.trim().startsWith("auth:") ? "" : "auth: jwt, ")
            + route.trim()
            + "}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining(message.trim());
  }

  @Test
  void readsSequentialPartsFallbacksTimeoutsAndCircuitBreakers() {
    String yaml =
        COMMON
            + JWT
            + """
            upstreams:
              accounts:
                endpoints: "127.0.0.1:8081"
                circuitBreaker: {failureRatio: 0.25, minimumRequests: 4, window: 5s, openFor: 1s}
              rates: {endpoints: "127.0.0.1:8082"}
            routes:
              - id: p
                path: /api/{id}/x
                auth: jwt
                timeout: 2s
                upstream: accounts
                upstreamPath: /a/{id}
              - id: c
                path: /api/{id}
                auth: jwt
                timeout: 3s
                compose:
                  - {part: txs, upstream: rates, path: "/t/{account.owner}", required: false,
                     timeout: 1s, fallback: {items: []}, after: [rates]}
                  - {part: account, upstream: accounts, path: "/a/{id}"}
                  - {part: rates, upstream: rates, path: /r, required: false}
            """;

    GatewayConfig config = GatewayConfig.from(parse(yaml));

    assertThat(((RouteTarget.Proxy) config.routes().get(0).target()).timeout())
        .contains(Duration.ofSeconds(2));
    ComposePart txs = ((RouteTarget.Compose) config.routes().get(1).target()).parts().get(0);
    assertThat(txs.after()).containsExactly("account", "rates");
    assertThat(txs.references()).containsExactly("account.owner");
    assertThat(txs.timeout()).contains(Duration.ofSeconds(1));
    assertThat(txs.fallbackJson()).contains("{\"items\":[]}");
    assertThat(config.circuitBreakers()).containsOnlyKeys("accounts");
    CircuitBreakerConfig breaker = config.circuitBreakers().get("accounts");
    assertThat(breaker.failureRatio()).isEqualTo(0.25);
    assertThat(breaker.minimumRequests()).isEqualTo(4);
    assertThat(breaker.window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(breaker.openFor()).isEqualTo(Duration.ofSeconds(1));
    assertThat(breaker.halfOpenRequests()).isEqualTo(1);
  }

  @Test
  void rejectsABadCircuitBreakerNamingTheKey() {
    String yaml =
        COMMON
            + """
            upstreams:
              accounts: {endpoints: "127.0.0.1:8081", circuitBreaker: {failureRatio: 2}}
            routes:
              - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}
            """;

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .hasMessageContaining("test.yaml: upstreams.accounts.circuitBreaker.failureRatio: \"2.0\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          alg none                 | jwt: {issuer: i, audience: a, jwksUrl: "http://h/j", algorithms: [none]}  | auth.jwt.algorithms: "none"
          hmac algorithm           | jwt: {issuer: i, audience: a, jwksUrl: "http://h/j", algorithms: [HS256]} | auth.jwt.algorithms: "HS256"
          relative jwks url        | jwt: {issuer: i, audience: a, jwksUrl: /jwks, algorithms: [RS256]}        | auth.jwt.jwksUrl: "/jwks"
          missing issuer           | jwt: {audience: a, jwksUrl: "http://h/j", algorithms: [RS256]}            | auth.jwt.issuer: missing
          short hmac secret        | jwt: {issuer: i, audience: a, algorithms: [HS256], keys: [{kid: k, alg: HS256, secret: short}]} | auth.jwt.keys[0].secret
          key of another alg       | jwt: {issuer: i, audience: a, algorithms: [HS256], keys: [{kid: k, alg: RS256, kty: RSA}]}     | auth.jwt.keys[0].alg: "RS256"
          jwks url and keys        | jwt: {issuer: i, audience: a, jwksUrl: "http://h/j", algorithms: [RS256], keys: [{kid: k, alg: RS256}]} | auth.jwt.jwksUrl
          neither url nor keys     | jwt: {issuer: i, audience: a, algorithms: [RS256]}                        | auth.jwt.jwksUrl
          """)
  void rejectsABadJwtSection(String name, String jwt, String message) {
    String yaml =
        COMMON
            + "auth:\n  "
            + jwt.trim()
            + "\n"
            + UPSTREAMS
            + "routes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining(message.trim());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          plain key not hash   | apiKeys: {keys: [{client: c, sha256: secret-key, scopes: []}]}               | auth.apiKeys.keys[0].sha256: "secret-key"
          duplicate hash       | apiKeys: {keys: [{client: c, sha256: %1$s}, {client: d, sha256: %1$s}]}       | auth.apiKeys.keys[1].sha256
          authorization header | apiKeys: {header: Authorization, keys: [{client: c, sha256: %1$s}]}          | auth.apiKeys.header: "Authorization"
          identity header      | apiKeys: {header: X-Auth-Key, keys: [{client: c, sha256: %1$s}]}             | auth.apiKeys.header: "X-Auth-Key"
          no keys              | apiKeys: {keys: []}                                                           | auth.apiKeys.keys: missing
          tiny token limit     | jwt: {issuer: i, audience: a, jwksUrl: "http://h/j", algorithms: [RS256], maxTokenBytes: 10} | auth.jwt.maxTokenBytes: "10"
          """)
  void rejectsABadApiKeySection(String name, String auth, String message) {
    String hash = "ab".repeat(32);
    String yaml =
        COMMON
            + "auth:\n  "
            + String.format(auth.trim(), hash)
            + "\n"
            + UPSTREAMS
            + "routes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining(message.trim());
  }

  @Test
  void readsSeveralIssuersAndRefusesOneListedTwiceOrBothForms() {
    String issuer = "{issuer: %s, audience: a, jwksUrl: \"http://h/j\", algorithms: [RS256]}";
    String routes =
        UPSTREAMS
            + "routes:\n  - {id: r, path: /a, auth: jwt, upstream: accounts, upstreamPath: /a}\n";

    GatewayConfig two =
        GatewayConfig.from(
            parse(
                COMMON
                    + "auth:\n  issuers:\n    - "
                    + issuer.formatted("one")
                    + "\n    - "
                    + issuer.formatted("two")
                    + "\n"
                    + routes));
    assertThat(two.issuers()).extracting(JwtConfig::issuer).containsExactly("one", "two");

    assertThatThrownBy(
            () ->
                GatewayConfig.from(
                    parse(
                        COMMON
                            + "auth:\n  issuers:\n    - "
                            + issuer.formatted("one")
                            + "\n    - "
                            + issuer.formatted("one")
                            + "\n"
                            + routes)))
        .hasMessageContaining("test.yaml: auth.issuers[1].issuer: \"one\"");
    assertThatThrownBy(
            () ->
                GatewayConfig.from(
                    parse(
                        COMMON
                            + "auth:\n  jwt: "
                            + issuer.formatted("one")
                            + "\n  issuers:\n    - "
                            + issuer.formatted("two")
                            + "\n"
                            + routes)))
        .hasMessageContaining("test.yaml: auth.issuers");
  }

  @Test
  void rejectsApiKeyRoutesWithoutApiKeys() {
    String yaml =
        COMMON
            + UPSTREAMS
            + "routes:\n  - {id: r, path: /a, auth: api-key, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .hasMessageContaining("test.yaml: routes[0].auth: \"api-key\"");
  }

  @Test
  void rejectsAPortRangeInClusterMembers() {
    String yaml =
        COMMON
            + "cluster: {host: 127.0.0.1, port: 5701, members: \"127.0.0.1:5701-5703\"}\n"
            + UPSTREAMS
            + LIMITS
            + "routes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .hasMessageContaining("test.yaml: cluster.members: \"127.0.0.1:5701-5703\"");
  }

  @Test
  void requiresAClusterForRateLimits() {
    String yaml =
        COMMON
            + UPSTREAMS
            + LIMITS
            + "routes:\n  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .hasMessageContaining("test.yaml: cluster: missing");
  }

  @Test
  void rejectsJwtRoutesWithoutJwtConfig() {
    String yaml =
        COMMON
            + UPSTREAMS
            + "routes:\n  - {id: r, path: /a, auth: jwt, upstream: accounts, upstreamPath: /a}\n";

    assertThatThrownBy(() -> GatewayConfig.from(parse(yaml)))
        .hasMessageContaining("test.yaml: routes[0].auth: \"jwt\"");
  }

  @Test
  void rejectsDuplicateRouteIdsAndUnknownTopLevelKeys() {
    String route = "  - {id: r, path: /a, auth: none, upstream: accounts, upstreamPath: /a}\n";
    assertThatThrownBy(
            () -> GatewayConfig.from(parse(COMMON + UPSTREAMS + "routes:\n" + route + route)))
        .hasMessageContaining("test.yaml: routes[1].id: \"r\"");
    assertThatThrownBy(
            () -> GatewayConfig.from(parse(COMMON + UPSTREAMS + "rutes: []\nroutes:\n" + route)))
        .hasMessageContaining("test.yaml: rutes: unknown key");
  }

  private static ConfigNode parse(String yaml) {
    return ConfigLoader.withVariables(Map.of()).parse("test.yaml", yaml);
  }
}
