package dev.edgestack.it;

import static dev.edgestack.it.ContainerFiles.list;
import static dev.edgestack.it.ContainerFiles.listOrEmpty;
import static dev.edgestack.it.ContainerFiles.map;
import static dev.edgestack.it.ContainerFiles.mapOrEmpty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.http.TrustedProxies;
import dev.edgestack.stack.Role;
import dev.edgestack.stack.Template;
import dev.edgestack.stack.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * docker-compose.yml and its per-topology overrides stay in lock-step with config/topologies: the
 * same instances, deployables, config files, ports, replicas and peers, with DNS names in place of
 * 127.0.0.1 lists. There is no Docker engine here, so the checks are static; {@code docker-compose
 * config} validates the files when it is installed.
 */
class ComposeFileTest {
  static final List<String> TOPOLOGIES = ContainerFiles.TOPOLOGIES;

  /** Services that are not instances of a topology. */
  static final Set<String> OBSERVABILITY = Set.of("prometheus", "grafana");

  static final String PROMETHEUS_CONFIG = "/etc/prometheus/prometheus.yml";

  @Test
  void everyTopologyHasComposeFilesAndEveryOverrideATopology() throws IOException {
    assertThat(ContainerFiles.topologyNames()).containsExactlyInAnyOrderElementsOf(TOPOLOGIES);
    Set<String> overrides;
    try (Stream<Path> files = Files.list(ContainerFiles.home())) {
      overrides =
          files
              .map(file -> file.getFileName().toString())
              .filter(name -> name.matches("docker-compose\\..+\\.ya?ml"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> expected = new TreeSet<>();
    TOPOLOGIES.forEach(topology -> expected.addAll(ComposeProject.filesFor(topology)));
    expected.remove("docker-compose.yml");
    assertThat(overrides).containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void dockerComposeAcceptsTheFiles(String topology) {
    assumeTrue(
        ContainerFiles.commandExists("docker-compose"),
        "docker-compose is not installed (apt-get install -y --no-install-recommends docker-compose)");
    List<String> command = new ArrayList<>(List.of("docker-compose"));
    for (String file : ComposeProject.filesFor(topology)) {
      command.add("-f");
      command.add(file);
    }
    command.addAll(List.of("config", "-q"));
    ContainerFiles.CommandResult result = ContainerFiles.run(command, Duration.ofSeconds(60));
    assertThat(result.exitCode())
        .as("%s:%n%s%s", String.join(" ", command), result.output(), result.errors())
        .isZero();
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void servicesAreTheTopologysInstancesAndViceVersa(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    Map<String, String> templateOfService = new LinkedHashMap<>();
    compose
        .edgeServices()
        .forEach(
            (name, service) ->
                templateOfService.put(
                    name,
                    ComposeProject.label(service, ComposeProject.TEMPLATE_LABEL).orElseThrow()));
    assertThat(templateOfService.values())
        .as("%s: templates of the compose services", topology)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            local.templates().stream().map(Template::name).toList());
    Set<String> others = new TreeSet<>(compose.services().keySet());
    others.removeAll(templateOfService.keySet());
    assertThat(others)
        .as("%s: services that are no topology instance", topology)
        .isEqualTo(OBSERVABILITY);
    for (Template template : local.templates()) {
      Map<String, Object> service = compose.service(compose.serviceOf(template.name()));
      assertThat(ComposeProject.label(service, ComposeProject.ROLE_LABEL))
          .as("%s: role of %s", topology, template.name())
          .contains(template.role().spelling());
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void eachServiceRunsItsTemplatesDeployableConfigAndReplicas(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    for (Template template : local.templates()) {
      String name = compose.serviceOf(template.name());
      Map<String, Object> service = compose.service(name);
      assertThat(ComposeProject.command(service))
          .as("%s: command of %s", topology, name)
          .containsExactly(template.role().module(), "--config", template.config());
      assertThat(Files.isRegularFile(ContainerFiles.file(template.config())))
          .as("%s exists", template.config())
          .isTrue();
      assertThat(ComposeProject.replicas(service))
          .as("%s: replicas of %s", topology, name)
          .isEqualTo(template.replicas());
      assertThat(mapOrEmpty(service, "build", name).get("context"))
          .as("%s builds the image from the Dockerfile", name)
          .isEqualTo(".");
      Map<String, Object> limits =
          mapOrEmpty(
              mapOrEmpty(mapOrEmpty(service, "deploy", name), "resources", name), "limits", name);
      assertThat(limits)
          .as("%s has a memory limit (the heap is a share of it)", name)
          .containsKey("memory");
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void configFilesResolveToTheTemplatesPortsOnAllInterfaces(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    for (Template template : local.templates()) {
      String name = compose.serviceOf(template.name());
      Map<String, String> environment = ComposeProject.environment(compose.service(name));
      ConfigNode config = ContainerFiles.resolvedConfig(template.config(), environment);
      assertThat(ContainerFiles.configuredPorts(config))
          .as("%s: ports %s listens on with its environment %s", topology, name, environment)
          .isEqualTo(template.ports());
      assertThat(config.object("server").string("host"))
          .as("%s listens on every interface of its container", name)
          .isEqualTo("0.0.0.0");
      assertThat(environment.get("EDGE_ADMIN_PORT"))
          .as("%s: EDGE_ADMIN_PORT, read by the image's HEALTHCHECK", name)
          .isEqualTo(String.valueOf(template.ports().get("admin")));
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void everyBalancerFollowsEachReplicaOfAScaledService(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    for (Template template : local.templates()) {
      String name = compose.serviceOf(template.name());
      ConfigNode config =
          ContainerFiles.resolvedConfig(
              template.config(), ComposeProject.environment(compose.service(name)));
      assertThat(ContainerFiles.poolsBlindToScaling(config))
          .as("%s: pools of %s that would see a scaled service as one endpoint", topology, name)
          .isEmpty();
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void environmentNamesTheSamePeersAsTheTopology(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    for (Template template : local.templates()) {
      String name = compose.serviceOf(template.name());
      Map<String, String> environment = ComposeProject.environment(compose.service(name));
      template
          .env()
          .forEach(
              (variable, value) -> {
                assertThat(environment)
                    .as("%s: %s sets %s like the topology", topology, name, variable)
                    .containsKey(variable);
                String actual = environment.get(variable);
                if (variable.equals("TRUSTED_PROXIES")) {
                  assertTrustedProxies(topology + ": " + name, value, actual);
                } else {
                  assertThat(actual)
                      .as("%s: %s in %s (topology: %s)", topology, variable, name, value)
                      .isEqualTo(
                          ContainerFiles.expandForContainers(
                              value, local, (group, port) -> compose.serviceOf(group.name())));
                }
              });
      Set<String> read = ContainerFiles.variablesReadFor(template.config());
      for (String variable : environment.keySet()) {
        assertThat(
                read.contains(variable) || ContainerFiles.PENDING_VARIABLES.containsKey(variable))
            .as(
                "%s: %s sets %s, which neither %s nor the image reads (read: %s)",
                topology, name, variable, template.config(), read)
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void theEntryPointTrustsNoForwardingHeaders(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    Template entry = local.template(local.entry()).orElseThrow();
    Map<String, String> environment =
        ComposeProject.environment(compose.service(compose.serviceOf(entry.name())));
    assertThat(ContainerFiles.trustedProxies(entry.config(), environment))
        .as(
            "%s: proxies %s believes X-Forwarded-For from (clients reach it directly)",
            topology, entry.name())
        .isEmpty();
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void gatewaysFindEachOtherByTheirServiceName(String topology) {
    ComposeProject compose = ComposeProject.of(topology);
    String gateway = compose.serviceOf("gateway");
    Map<String, String> environment = ComposeProject.environment(compose.service(gateway));
    assertThat(environment)
        .containsEntry("CLUSTER_DISCOVERY", "dns")
        .containsEntry("CLUSTER_DNS_NAME", gateway)
        .containsEntry("CLUSTER_MEMBERS", gateway + ":" + environment.get("EDGE_CLUSTER_PORT"));
  }

  /**
   * Locally a tier behind a proxy trusts 127.0.0.1; in containers it trusts the private ranges the
   * compose network takes its addresses from. A tier that trusts nobody stays so.
   */
  static void assertTrustedProxies(String where, String topologyValue, String containerValue) {
    if (topologyValue.isBlank()) {
      assertThat(containerValue).as("%s: TRUSTED_PROXIES (trusts nobody)", where).isBlank();
      return;
    }
    List<String> ranges = List.of(containerValue.split(","));
    assertThat(ranges).as("%s: TRUSTED_PROXIES", where).isNotEmpty();
    assertThatCode(() -> TrustedProxies.parse(ranges))
        .as("%s: TRUSTED_PROXIES=%s", where, containerValue)
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void onlyTheEntryPointTheIssuerAndTheDashboardsArePublished(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    for (Template template : local.templates()) {
      String name = compose.serviceOf(template.name());
      Map<String, Object> service = compose.service(name);
      Map<String, Integer> configured =
          ContainerFiles.configuredPorts(
              ContainerFiles.resolvedConfig(
                  template.config(), ComposeProject.environment(service)));
      Map<Integer, Integer> published = ComposeProject.publishedPorts(service);
      published.forEach(
          (host, container) -> {
            assertThat(configured.values())
                .as("%s: %s publishes container port %s", topology, name, container)
                .contains(container);
            assertThat(host)
                .as(
                    "%s: %s publishes %s on the host port of the topology",
                    topology, name, container)
                .isEqualTo(container);
          });
      Map<Integer, Integer> expected = new LinkedHashMap<>();
      if (template.name().equals(local.entry())) {
        expected.put(8080, 8080);
        expected.put(9080, 9080);
        assertThat(template.ports()).containsEntry("http", 8080).containsEntry("admin", 9080);
        if (template.ports().containsKey("tls")) {
          expected.put(template.ports().get("tls"), template.ports().get("tls"));
        }
      } else if (template.role() == Role.ISSUER) {
        expected.put(template.ports().get("http"), template.ports().get("http"));
      }
      assertThat(published).as("%s: ports %s publishes", topology, name).isEqualTo(expected);
    }
    assertThat(ComposeProject.publishedPorts(compose.service("prometheus")))
        .isEqualTo(Map.of(9090, 9090));
    assertThat(ComposeProject.publishedPorts(compose.service("grafana")))
        .isEqualTo(Map.of(3000, 3000));
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void everyMountedFileExists(String topology) {
    ComposeProject compose = ComposeProject.of(topology);
    Set<String> namedVolumes = mapOrEmpty(compose.root(), "volumes", "compose").keySet();
    compose
        .services()
        .forEach(
            (name, service) ->
                ComposeProject.mounts(service)
                    .forEach(
                        (target, source) -> {
                          if (source.startsWith(".") || source.startsWith("/")) {
                            assertThat(ContainerFiles.home().resolve(source).normalize())
                                .as("%s: %s mounts %s at %s", topology, name, source, target)
                                .exists();
                          } else {
                            assertThat(namedVolumes)
                                .as("%s: named volume %s of %s", topology, source, name)
                                .contains(source);
                          }
                        }));
    compose
        .edgeServices()
        .forEach(
            (name, service) ->
                assertThat(ComposeProject.mounts(service))
                    .as("%s mounts config/ where the image reads it", name)
                    .containsEntry(ContainerFiles.IMAGE_HOME + "/config", "./config"));
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void everyDependencyStartsInTheTopology(String topology) {
    ComposeProject compose = ComposeProject.of(topology);
    compose
        .services()
        .forEach(
            (name, service) -> {
              Object dependsOn = service.get("depends_on");
              if (dependsOn == null) {
                return;
              }
              List<String> targets =
                  dependsOn instanceof Map<?, ?>
                      ? List.copyOf(map(dependsOn, name).keySet())
                      : ContainerFiles.strings(dependsOn, name + ".depends_on");
              assertThat(compose.services().keySet())
                  .as(
                      "%s: %s depends on services that do not start in this topology (compose"
                          + " refuses to start then)",
                      topology, name)
                  .containsAll(targets);
              if (dependsOn instanceof Map<?, ?> conditions) {
                conditions.forEach(
                    (target, condition) -> {
                      if ("service_healthy".equals(map(condition, name).get("condition"))) {
                        assertThat(compose.edgeServices())
                            .as(
                                "%s waits for %s to be healthy: it needs a HEALTHCHECK",
                                name, target)
                            .containsKey(String.valueOf(target));
                      }
                    });
              }
            });
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void prometheusScrapesEveryInstanceOfTheTopology(String topology) {
    Topology local = ContainerFiles.topology(topology);
    ComposeProject compose = ComposeProject.of(topology);
    String source = ComposeProject.mounts(compose.service("prometheus")).get(PROMETHEUS_CONFIG);
    assertThat(source).as("%s: Prometheus config mount", topology).isNotNull();
    Map<String, Object> prometheus = ContainerFiles.yamlMap(ContainerFiles.home().resolve(source));
    Map<String, String> scraped = new LinkedHashMap<>();
    for (Object job : list(prometheus.get("scrape_configs"), "scrape_configs")) {
      Map<String, Object> config = map(job, "scrape_configs[]");
      String jobName = String.valueOf(config.get("job_name"));
      assertThat(config.get("honor_labels"))
          .as("%s: job %s keeps the instance and role labels the instances set", source, jobName)
          .isEqualTo(true);
      assertThat(config.getOrDefault("metrics_path", "/metrics")).isEqualTo("/metrics");
      for (Object discovery : listOrEmpty(config, "dns_sd_configs", jobName)) {
        Map<String, Object> dns = map(discovery, jobName + ".dns_sd_configs[]");
        assertThat(dns.get("type")).isEqualTo("A");
        for (String host : ContainerFiles.strings(dns.get("names"), jobName + ".names")) {
          scraped.put(host, String.valueOf(dns.get("port")));
        }
      }
      assertThat(config)
          .as("%s: job %s discovers targets by DNS only", source, jobName)
          .doesNotContainKey("static_configs");
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (Template template : local.templates()) {
      expected.put(
          compose.serviceOf(template.name()), String.valueOf(template.ports().get("admin")));
    }
    assertThat(scraped)
        .as("%s: %s scrapes every service's admin port, each replica through DNS", topology, source)
        .isEqualTo(expected);
  }
}
