package dev.edgestack.it;

import static dev.edgestack.it.ContainerFiles.list;
import static dev.edgestack.it.ContainerFiles.listOrEmpty;
import static dev.edgestack.it.ContainerFiles.map;
import static dev.edgestack.it.ContainerFiles.mapOrEmpty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.stack.Role;
import dev.edgestack.stack.Template;
import dev.edgestack.stack.Topology;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The kustomize base, components and one overlay per topology under k8s/. Every object is checked
 * structurally as written (kinds, selectors against labels, probes against the admin port the
 * config file really opens, resources, RBAC for Hazelcast's Kubernetes discovery); when {@code
 * kubectl} is installed, each overlay is also built with its kustomize and the built objects are
 * checked again and kept in lock-step with config/topologies.
 */
class KubernetesManifestsTest {
  static final List<String> TOPOLOGIES = ContainerFiles.TOPOLOGIES;
  static final String NAMESPACE = "edge-stack";
  static final String TEMPLATE_LABEL = "dev.edgestack/template";
  static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  static final Set<String> KINDS =
      Set.of(
          "Namespace",
          "ServiceAccount",
          "Role",
          "RoleBinding",
          "ConfigMap",
          "Service",
          "Deployment",
          "PodDisruptionBudget");

  /** The image's USER (DockerfileTest checks the Dockerfile says so). */
  static final int IMAGE_UID = 10001;

  static Path overlay(String topology) {
    return ContainerFiles.file("k8s/overlays/" + topology);
  }

  @Test
  void everyManifestParsesIntoKubernetesObjects() {
    List<Path> files = ContainerFiles.yamlFiles(ContainerFiles.file("k8s"));
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      for (Object document : ContainerFiles.yamlDocuments(file)) {
        Map<String, Object> object = map(document, file.toString());
        assertThat(object).as("%s: apiVersion and kind", file).containsKeys("apiVersion", "kind");
      }
      assertThat(ContainerFiles.read(file).toLowerCase(java.util.Locale.ROOT))
          .as("%s: Hazelcast never joins by multicast", file)
          .doesNotContain("multicast");
    }
  }

  @Test
  void everyTopologyHasAnOverlay() throws Exception {
    assertThat(ContainerFiles.topologyNames()).containsExactlyInAnyOrderElementsOf(TOPOLOGIES);
    try (var overlays = Files.list(ContainerFiles.file("k8s/overlays"))) {
      assertThat(overlays.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(TOPOLOGIES);
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void kustomizationsReferenceExistingFilesAndTheConfigFolder(String topology) {
    Kustomization tree = Kustomization.read(overlay(topology));
    assertThat(tree.problems()).as("%s: files the kustomizations name", topology).isEmpty();
    Set<Path> generated =
        new TreeSet<>(
            tree.configMapFiles().values().stream()
                .flatMap(files -> files.values().stream())
                .toList());
    for (String name : TOPOLOGIES) {
      for (Template template : ContainerFiles.topology(name).templates()) {
        assertThat(generated)
            .as("%s: the ConfigMap holds %s", topology, template.config())
            .contains(ContainerFiles.file(template.config()).normalize());
      }
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void objectsAsWrittenAreStructurallySound(String topology) {
    Kustomization tree = Kustomization.read(overlay(topology));
    Map<String, Map<String, Path>> generators = tree.configMapFiles();
    check(
        "k8s (as written) for " + topology,
        tree.objects(),
        name ->
            Optional.ofNullable(generators.get(name))
                .map(
                    files -> {
                      Map<String, String> contents = new LinkedHashMap<>();
                      files.forEach((key, file) -> contents.put(key, ContainerFiles.read(file)));
                      return contents;
                    }));
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void overlayBuildsWithKustomizeIntoSoundObjects(String topology) {
    List<Map<String, Object>> objects = build(topology);
    check("kustomize build of " + topology, objects, configMapsOf(objects));
    assertThat(objects)
        .filteredOn(object -> object.get("kind").equals("Namespace"))
        .extracting(object -> metadata(object).get("name"))
        .containsExactly(NAMESPACE);
    for (Map<String, Object> object : objects) {
      if (!object.get("kind").equals("Namespace")) {
        assertThat(metadata(object).get("namespace"))
            .as("%s: namespace of %s", topology, describe(object))
            .isEqualTo(NAMESPACE);
      }
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void deploymentsAreTheTopologysInstances(String topology) {
    Topology local = ContainerFiles.topology(topology);
    List<Map<String, Object>> objects = build(topology);
    List<Map<String, Object>> deployments = ofKind(objects, "Deployment");
    assertThat(deployments)
        .extracting(deployment -> labels(deployment).get(TEMPLATE_LABEL))
        .as("%s: templates of the Deployments", topology)
        .containsExactlyInAnyOrderElementsOf(
            local.templates().stream().map(Template::name).toList());
    for (Template template : local.templates()) {
      Map<String, Object> deployment = deploymentOf(deployments, template.name());
      String name = name(deployment);
      Map<String, Object> container = container(deployment);
      assertThat(labels(deployment).get(COMPONENT_LABEL))
          .as("%s: role of %s", topology, name)
          .isEqualTo(template.role().spelling());
      assertThat(((Number) mapOrEmpty(deployment, "spec", name).get("replicas")).intValue())
          .as("%s: replicas of %s", topology, name)
          .isEqualTo(template.replicas());
      assertThat(ContainerFiles.strings(container.get("args"), name + ".args"))
          .as("%s: args of %s", topology, name)
          .containsExactly(template.role().module(), "--config", template.config());
      assertThat(containerPorts(container))
          .as("%s: ports of %s", topology, name)
          .isEqualTo(template.ports());
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void everyBalancerFollowsEachPodBehindAHeadlessService(String topology) {
    Topology local = ContainerFiles.topology(topology);
    List<Map<String, Object>> deployments = ofKind(build(topology), "Deployment");
    for (Template template : local.templates()) {
      Map<String, Object> deployment = deploymentOf(deployments, template.name());
      ConfigNode config =
          ContainerFiles.resolvedConfig(template.config(), environment(container(deployment)));
      assertThat(ContainerFiles.poolsBlindToScaling(config))
          .as(
              "%s: pools of %s that would see a Service as one endpoint",
              topology, name(deployment))
          .isEmpty();
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void environmentNamesTheSamePeersAsTheTopology(String topology) {
    Topology local = ContainerFiles.topology(topology);
    List<Map<String, Object>> objects = build(topology);
    List<Map<String, Object>> deployments = ofKind(objects, "Deployment");
    for (Template template : local.templates()) {
      Map<String, Object> deployment = deploymentOf(deployments, template.name());
      Map<String, String> environment = environment(container(deployment));
      template
          .env()
          .forEach(
              (variable, value) -> {
                assertThat(environment)
                    .as("%s: %s sets %s like the topology", topology, name(deployment), variable)
                    .containsKey(variable);
                if (variable.equals("TRUSTED_PROXIES")) {
                  ComposeFileTest.assertTrustedProxies(
                      topology + ": " + name(deployment), value, environment.get(variable));
                } else {
                  assertThat(environment.get(variable))
                      .as(
                          "%s: %s in %s (topology: %s)",
                          topology, variable, name(deployment), value)
                      .isEqualTo(
                          ContainerFiles.expandForContainers(
                              value,
                              local,
                              (group, port) ->
                                  serviceFor(
                                      objects, deploymentOf(deployments, group.name()), port)));
                }
              });
      Set<String> read = ContainerFiles.variablesReadFor(template.config());
      for (String variable : environment.keySet()) {
        assertThat(
                read.contains(variable) || ContainerFiles.PENDING_VARIABLES.containsKey(variable))
            .as(
                "%s: %s sets %s, which nothing in the image reads (read: %s)",
                topology, name(deployment), variable, read)
            .isTrue();
      }
    }
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void theEntryServiceListensOn8080WithItsAdminOn9080(String topology) {
    Topology local = ContainerFiles.topology(topology);
    List<Map<String, Object>> objects = build(topology);
    Map<String, Object> entry = deploymentOf(ofKind(objects, "Deployment"), local.entry());
    Map<String, Object> service =
        objects.stream()
            .filter(object -> object.get("kind").equals("Service"))
            .filter(object -> selects(object, entry))
            .filter(object -> servicePorts(object).containsKey(8080))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError(topology + ": no Service on 8080 for " + local.entry()));
    assertThat(servicePorts(service)).containsEntry(8080, "http").containsEntry(9080, "admin");
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void theEntryPointTrustsNoForwardingHeaders(String topology) {
    Topology local = ContainerFiles.topology(topology);
    Template entry = local.template(local.entry()).orElseThrow();
    Map<String, Object> deployment =
        deploymentOf(ofKind(build(topology), "Deployment"), entry.name());
    assertThat(ContainerFiles.trustedProxies(entry.config(), environment(container(deployment))))
        .as("%s: proxies %s believes X-Forwarded-For from", topology, entry.name())
        .isEmpty();
  }

  @ParameterizedTest
  @FieldSource("TOPOLOGIES")
  void gatewaysFindEachOtherThroughKubernetesDiscovery(String topology) {
    List<Map<String, Object>> objects = build(topology);
    for (Map<String, Object> gateway : ofKind(objects, "Deployment")) {
      if (!"gateway".equals(labels(gateway).get(COMPONENT_LABEL))) {
        continue;
      }
      Map<String, Object> container = container(gateway);
      Map<String, String> environment = environment(container);
      assertThat(environment).containsEntry("CLUSTER_DISCOVERY", "kubernetes");
      int clusterPort = Integer.parseInt(environment.get("EDGE_CLUSTER_PORT"));
      for (String member : environment.get("CLUSTER_MEMBERS").split(",")) {
        String[] hostPort = member.split(":");
        Map<String, Object> service = named(objects, "Service", hostPort[0]);
        Map<String, Object> spec = mapOrEmpty(service, "spec", hostPort[0]);
        assertThat(spec.get("clusterIP")).as("%s is headless", hostPort[0]).isEqualTo("None");
        assertThat(spec.get("publishNotReadyAddresses"))
            .as("%s lists members before they are ready (ready needs the cluster)", hostPort[0])
            .isEqualTo(true);
        assertThat(selects(service, gateway)).as("%s selects the gateways", hostPort[0]).isTrue();
        assertThat(Integer.parseInt(hostPort[1])).isEqualTo(clusterPort);
        assertThat(servicePorts(service)).containsEntry(clusterPort, "cluster");
        assertThat(environment.get("CLUSTER_KUBERNETES_SERVICE_DNS"))
            .as("the headless Service Hazelcast looks up")
            .isEqualTo(hostPort[0] + "." + NAMESPACE + ".svc.cluster.local");
      }
      String account = String.valueOf(podSpec(gateway).get("serviceAccountName"));
      assertThat(rulesOf(objects, account))
          .as("what %s may read for Hazelcast's Kubernetes discovery", account)
          .contains(
              "get /endpoints",
              "list /endpoints",
              "get /pods",
              "list /pods",
              "get /services",
              "list /services",
              "get discovery.k8s.io/endpointslices",
              "list discovery.k8s.io/endpointslices");
      Map<String, Object> budget =
          ofKind(objects, "PodDisruptionBudget").stream()
              .filter(pdb -> matches(selector(pdb), podLabels(gateway)))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(topology + ": no PodDisruptionBudget for gateways"));
      assertThat(mapOrEmpty(budget, "spec", "pdb")).containsEntry("maxUnavailable", 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Structural checks, shared by the objects as written and as built.

  /**
   * Checks every object of {@code objects}; {@code configMaps} gives a ConfigMap's data by the name
   * a volume refers to it with.
   */
  static void check(
      String where,
      List<Map<String, Object>> objects,
      Function<String, Optional<Map<String, String>>> configMaps) {
    assertThat(objects).as(where).isNotEmpty();
    Set<String> seen = new TreeSet<>();
    for (Map<String, Object> object : objects) {
      assertThat(KINDS).as("%s: kind of %s", where, describe(object)).contains(kind(object));
      assertThat(seen.add(describe(object)))
          .as("%s: %s is defined once", where, describe(object))
          .isTrue();
    }
    List<Map<String, Object>> deployments = ofKind(objects, "Deployment");
    for (Map<String, Object> deployment : deployments) {
      checkDeployment(where, objects, deployment, configMaps);
    }
    for (Map<String, Object> service : ofKind(objects, "Service")) {
      List<Map<String, Object>> selected =
          deployments.stream().filter(deployment -> selects(service, deployment)).toList();
      assertThat(selected).as("%s: Deployments %s selects", where, describe(service)).hasSize(1);
      Set<String> named = new TreeSet<>(containerPorts(container(selected.get(0))).keySet());
      for (Object port : listOrEmpty(mapOrEmpty(service, "spec", "service"), "ports", "spec")) {
        Object target = map(port, "port").get("targetPort");
        assertThat(named)
            .as("%s: targetPort %s of %s", where, target, describe(service))
            .contains(String.valueOf(target));
      }
    }
    for (Map<String, Object> budget : ofKind(objects, "PodDisruptionBudget")) {
      assertThat(deployments.stream().filter(d -> matches(selector(budget), podLabels(d))).count())
          .as("%s: Deployments %s covers", where, describe(budget))
          .isEqualTo(1);
    }
    for (Map<String, Object> binding : ofKind(objects, "RoleBinding")) {
      Map<String, Object> roleRef = mapOrEmpty(binding, "roleRef", "binding");
      assertThat(roleRef.get("kind")).isEqualTo("Role");
      named(objects, "Role", String.valueOf(roleRef.get("name")));
      for (Object subject : list(binding.get("subjects"), "subjects")) {
        Map<String, Object> account = map(subject, "subject");
        assertThat(account.get("kind")).isEqualTo("ServiceAccount");
        named(objects, "ServiceAccount", String.valueOf(account.get("name")));
        assertThat(account.get("namespace"))
            .as("%s: subject namespace", where)
            .isEqualTo(NAMESPACE);
      }
    }
  }

  private static void checkDeployment(
      String where,
      List<Map<String, Object>> objects,
      Map<String, Object> deployment,
      Function<String, Optional<Map<String, String>>> configMaps) {
    String name = describe(deployment);
    assertThat(selector(deployment)).as("%s: selector of %s", where, name).isNotEmpty();
    assertThat(matches(selector(deployment), podLabels(deployment)))
        .as(
            "%s: %s selects its own pods (selector %s, pod labels %s)",
            where, name, selector(deployment), podLabels(deployment))
        .isTrue();
    assertThat(labels(deployment))
        .as("%s: labels of %s", where, name)
        .containsKeys(TEMPLATE_LABEL, COMPONENT_LABEL);
    Map<String, Object> pod = podSpec(deployment);
    Map<String, Object> podSecurity = mapOrEmpty(pod, "securityContext", name);
    assertThat(podSecurity)
        .as("%s: %s runs as the image's non-root user", where, name)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("runAsUser", IMAGE_UID);
    Object account = pod.get("serviceAccountName");
    if (account != null) {
      named(objects, "ServiceAccount", String.valueOf(account));
    }

    Map<String, Object> container = container(deployment);
    assertThat(String.valueOf(container.get("image"))).startsWith("edge-stack");
    List<String> args = ContainerFiles.strings(container.get("args"), name + ".args");
    assertThat(args).as("%s: args of %s", where, name).hasSize(3);
    assertThat(Arrays.stream(Role.values()).map(Role::module)).contains(args.get(0));
    assertThat(args.get(1)).isEqualTo("--config");
    String config = args.get(2);

    Map<String, String> environment = environment(container);
    Map<String, Integer> ports = containerPorts(container);
    ConfigNode resolved = ContainerFiles.resolvedConfig(config, environment);
    assertThat(ContainerFiles.configuredPorts(resolved))
        .as("%s: %s opens the ports it declares (config %s with its env)", where, name, config)
        .isEqualTo(ports);
    assertThat(resolved.object("server").string("host")).isEqualTo("0.0.0.0");
    assertThat(environment.get("EDGE_ADMIN_PORT")).isEqualTo(String.valueOf(ports.get("admin")));
    assertThat(
            mapOrEmpty(
                metadata(mapOrEmpty(deployment, "spec", name).get("template")),
                "annotations",
                name))
        .as("%s: scrape annotations of %s", where, name)
        .containsEntry("prometheus.io/port", String.valueOf(ports.get("admin")))
        .containsEntry("prometheus.io/path", "/metrics");

    Map<String, String> probes = new LinkedHashMap<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Map<String, Object> httpGet =
          mapOrEmpty(mapOrEmpty(container, probe, name), "httpGet", probe);
      if (httpGet.isEmpty()) {
        continue;
      }
      probes.put(probe, String.valueOf(httpGet.get("path")));
      Object port = httpGet.get("port");
      int number =
          port instanceof Number n ? n.intValue() : ports.getOrDefault(String.valueOf(port), -1);
      assertThat(number)
          .as("%s: %s of %s asks the admin port", where, probe, name)
          .isEqualTo(ports.get("admin"));
    }
    assertThat(probes)
        .as("%s: probes of %s", where, name)
        .containsEntry("livenessProbe", "/health/live")
        .containsEntry("readinessProbe", "/health/ready");
    assertThat(ContainerFiles.ADMIN_HEALTH_PATHS).containsAll(probes.values());

    Map<String, Object> resources = mapOrEmpty(container, "resources", name);
    for (String bound : List.of("requests", "limits")) {
      assertThat(mapOrEmpty(resources, bound, "resources"))
          .as("%s: %s of %s", where, bound, name)
          .containsKeys("cpu", "memory");
    }
    Map<String, Object> security = mapOrEmpty(container, "securityContext", name);
    assertThat(security).containsEntry("allowPrivilegeEscalation", false);

    Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
    for (Object volume : listOrEmpty(pod, "volumes", name)) {
      Map<String, Object> definition = map(volume, "volume");
      volumes.put(String.valueOf(definition.get("name")), definition);
    }
    Map<String, String> mounts = new LinkedHashMap<>();
    for (Object mount : listOrEmpty(container, "volumeMounts", name)) {
      Map<String, Object> definition = map(mount, "volumeMount");
      mounts.put(
          String.valueOf(definition.get("mountPath")), String.valueOf(definition.get("name")));
    }
    mounts
        .values()
        .forEach(
            volume -> assertThat(volumes).as("%s: volumes of %s", where, name).containsKey(volume));
    if (Boolean.TRUE.equals(security.get("readOnlyRootFilesystem"))) {
      assertThat(volumes.get(mounts.get("/tmp")))
          .as("%s: %s has a writable /tmp (the JVM and Vert.x write there)", where, name)
          .containsKey("emptyDir");
    }
    String configFolder = ContainerFiles.IMAGE_HOME + "/config";
    Map<String, Object> configMap =
        mapOrEmpty(volumes.getOrDefault(mounts.get(configFolder), Map.of()), "configMap", name);
    assertThat(configMap)
        .as("%s: %s mounts a ConfigMap at %s", where, name, configFolder)
        .isNotEmpty();
    Map<String, String> data =
        configMaps
            .apply(String.valueOf(configMap.get("name")))
            .orElseThrow(
                () -> new AssertionError(where + ": no ConfigMap " + configMap.get("name")));
    assertThat(config).startsWith("config/");
    String key = null;
    for (Object item : list(configMap.get("items"), "items")) {
      Map<String, Object> entry = map(item, "item");
      assertThat(data)
          .as("%s: ConfigMap key %s", where, entry.get("key"))
          .containsKey(String.valueOf(entry.get("key")));
      if (("config/" + entry.get("path")).equals(config)) {
        key = String.valueOf(entry.get("key"));
      }
    }
    assertThat(key).as("%s: %s finds %s in its ConfigMap volume", where, name, config).isNotNull();
    assertThat(data.get(key))
        .as("%s: %s holds config/'s %s", where, key, config)
        .isEqualTo(ContainerFiles.read(ContainerFiles.file(config)));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading objects.

  /** The objects kustomize builds from an overlay, or a skipped test when kubectl is missing. */
  static List<Map<String, Object>> build(String topology) {
    assumeTrue(
        ContainerFiles.commandExists("kubectl"),
        "kubectl (with its built-in kustomize) is not installed; the structural checks ran");
    String version =
        ContainerFiles.run(List.of("kubectl", "version", "--client"), Duration.ofSeconds(30))
            .output();
    assumeTrue(
        version.matches("(?s).*Kustomize Version: v[4-9].*"),
        "kubectl's kustomize is older than v4 (no components): " + version.strip());
    List<String> command =
        List.of(
            "kubectl",
            "kustomize",
            "--load-restrictor",
            "LoadRestrictionsNone",
            "k8s/overlays/" + topology);
    ContainerFiles.CommandResult result = ContainerFiles.run(command, Duration.ofSeconds(60));
    assertThat(result.exitCode())
        .as("%s:%n%s", String.join(" ", command), result.errors())
        .isZero();
    LoaderOptions options = new LoaderOptions();
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object document :
        new Yaml(new SafeConstructor(options)).loadAll(new StringReader(result.output()))) {
      if (document != null) {
        objects.add(map(document, "kustomize output"));
      }
    }
    return objects;
  }

  static Function<String, Optional<Map<String, String>>> configMapsOf(
      List<Map<String, Object>> objects) {
    return name ->
        ofKind(objects, "ConfigMap").stream()
            .filter(configMap -> name(configMap).equals(name))
            .findFirst()
            .map(
                configMap -> {
                  Map<String, String> data = new LinkedHashMap<>();
                  mapOrEmpty(configMap, "data", name)
                      .forEach((key, value) -> data.put(key, String.valueOf(value)));
                  return data;
                });
  }

  static String kind(Map<String, Object> object) {
    return String.valueOf(object.get("kind"));
  }

  static Map<String, Object> metadata(Object object) {
    return mapOrEmpty(map(object, "object"), "metadata", "object");
  }

  static String name(Map<String, Object> object) {
    return String.valueOf(metadata(object).get("name"));
  }

  static String describe(Map<String, Object> object) {
    return kind(object) + " " + name(object);
  }

  static Map<String, String> labels(Map<String, Object> object) {
    Map<String, String> labels = new LinkedHashMap<>();
    mapOrEmpty(metadata(object), "labels", name(object))
        .forEach((key, value) -> labels.put(key, String.valueOf(value)));
    return labels;
  }

  static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
    return objects.stream().filter(object -> kind(object).equals(kind)).toList();
  }

  static Map<String, Object> named(List<Map<String, Object>> objects, String kind, String name) {
    return ofKind(objects, kind).stream()
        .filter(object -> name(object).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  static Map<String, Object> deploymentOf(List<Map<String, Object>> deployments, String template) {
    List<Map<String, Object>> matching =
        deployments.stream()
            .filter(deployment -> template.equals(labels(deployment).get(TEMPLATE_LABEL)))
            .toList();
    assertThat(matching).as("Deployments labelled %s=%s", TEMPLATE_LABEL, template).hasSize(1);
    return matching.get(0);
  }

  static Map<String, Object> podSpec(Map<String, Object> deployment) {
    Map<String, Object> template =
        mapOrEmpty(mapOrEmpty(deployment, "spec", "deployment"), "template", "spec");
    return mapOrEmpty(template, "spec", "template");
  }

  static Map<String, String> podLabels(Map<String, Object> deployment) {
    Map<String, String> labels = new LinkedHashMap<>();
    Object template = mapOrEmpty(deployment, "spec", "deployment").get("template");
    mapOrEmpty(metadata(template), "labels", "template")
        .forEach((key, value) -> labels.put(key, String.valueOf(value)));
    return labels;
  }

  static Map<String, String> selector(Map<String, Object> object) {
    Map<String, Object> spec = mapOrEmpty(object, "spec", describe(object));
    Map<String, Object> selector = mapOrEmpty(spec, "selector", "spec");
    if (!kind(object).equals("Service")) {
      selector = mapOrEmpty(selector, "matchLabels", "selector");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    selector.forEach((key, value) -> labels.put(key, String.valueOf(value)));
    return labels;
  }

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  static boolean selects(Map<String, Object> service, Map<String, Object> deployment) {
    return matches(selector(service), podLabels(deployment));
  }

  static Map<String, Object> container(Map<String, Object> deployment) {
    List<Object> containers = list(podSpec(deployment).get("containers"), "containers");
    assertThat(containers).as("containers of %s", describe(deployment)).hasSize(1);
    return map(containers.get(0), "container");
  }

  /** Container ports by name, such as {@code http -> 8201}. */
  static Map<String, Integer> containerPorts(Map<String, Object> container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Object port : listOrEmpty(container, "ports", "container")) {
      Map<String, Object> definition = map(port, "port");
      ports.put(
          String.valueOf(definition.get("name")),
          ((Number) definition.get("containerPort")).intValue());
    }
    return ports;
  }

  /** Service ports as {@code port -> targetPort}. */
  static Map<Integer, String> servicePorts(Map<String, Object> service) {
    Map<Integer, String> ports = new LinkedHashMap<>();
    for (Object port : listOrEmpty(mapOrEmpty(service, "spec", "service"), "ports", "spec")) {
      Map<String, Object> definition = map(port, "port");
      ports.put(
          ((Number) definition.get("port")).intValue(),
          String.valueOf(definition.get("targetPort")));
    }
    return ports;
  }

  /** The literal env values of a container (values from the downward API are left out). */
  static Map<String, String> environment(Map<String, Object> container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (Object variable : listOrEmpty(container, "env", "container")) {
      Map<String, Object> definition = map(variable, "env");
      if (definition.containsKey("value")) {
        Object value = definition.get("value");
        environment.put(
            String.valueOf(definition.get("name")), value == null ? "" : String.valueOf(value));
      } else {
        environment.put(String.valueOf(definition.get("name")), "");
      }
    }
    return environment;
  }

  /** The one Service that selects {@code deployment}'s pods and routes to its port {@code port}. */
  static String serviceFor(
      List<Map<String, Object>> objects, Map<String, Object> deployment, String port) {
    List<String> services =
        ofKind(objects, "Service").stream()
            .filter(service -> selects(service, deployment))
            .filter(service -> servicePorts(service).containsValue(port))
            .map(KubernetesManifestsTest::name)
            .toList();
    assertThat(services)
        .as("Services routing to port %s of %s", port, describe(deployment))
        .hasSize(1);
    return services.get(0);
  }

  /**
   * The rules granted to a ServiceAccount through RoleBindings, as {@code "verb group/resource"}.
   */
  static Set<String> rulesOf(List<Map<String, Object>> objects, String account) {
    Set<String> rules = new TreeSet<>();
    for (Map<String, Object> binding : ofKind(objects, "RoleBinding")) {
      boolean bound =
          list(binding.get("subjects"), "subjects").stream()
              .anyMatch(
                  subject -> account.equals(String.valueOf(map(subject, "subject").get("name"))));
      if (!bound) {
        continue;
      }
      Map<String, Object> role =
          named(
              objects,
              "Role",
              String.valueOf(mapOrEmpty(binding, "roleRef", "binding").get("name")));
      for (Object rule : list(role.get("rules"), "rules")) {
        Map<String, Object> definition = map(rule, "rule");
        for (String group : ContainerFiles.strings(definition.get("apiGroups"), "apiGroups")) {
          for (String resource : ContainerFiles.strings(definition.get("resources"), "resources")) {
            for (String verb : ContainerFiles.strings(definition.get("verbs"), "verbs")) {
              rules.add(verb + " " + group + "/" + resource);
            }
          }
        }
      }
    }
    return rules;
  }

  /**
   * A kustomization and the ones it reaches (resources that are folders, components), read without
   * kustomize: their objects as written (patches left out), their ConfigMap generators and the
   * files they name that do not exist.
   */
  record Kustomization(
      List<Map<String, Object>> objects,
      Map<String, Map<String, Path>> configMapFiles,
      List<String> problems) {

    static Kustomization read(Path folder) {
      Kustomization tree =
          new Kustomization(new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>());
      tree.add(folder);
      return tree;
    }

    private void add(Path folder) {
      Path file = folder.resolve("kustomization.yaml");
      if (!Files.isRegularFile(file)) {
        problems.add(folder + ": no kustomization.yaml");
        return;
      }
      Map<String, Object> kustomization = ContainerFiles.yamlMap(file);
      List<String> folders = new ArrayList<>();
      for (String key : List.of("resources", "components")) {
        for (String entry :
            ContainerFiles.strings(kustomization.getOrDefault(key, List.of()), key)) {
          Path path = folder.resolve(entry).normalize();
          if (Files.isDirectory(path)) {
            folders.add(entry);
            add(path);
          } else if (Files.isRegularFile(path)) {
            for (Object document : ContainerFiles.yamlDocuments(path)) {
              objects.add(map(document, path.toString()));
            }
          } else {
            problems.add(file + ": " + key + " " + entry + " does not exist");
          }
        }
      }
      for (Object patch : listOrEmpty(kustomization, "patches", file.toString())) {
        Object path = map(patch, "patch").get("path");
        if (path != null && !Files.isRegularFile(folder.resolve(String.valueOf(path)))) {
          problems.add(file + ": patch " + path + " does not exist");
        }
      }
      for (Object generator : listOrEmpty(kustomization, "configMapGenerator", file.toString())) {
        Map<String, Object> definition = map(generator, "configMapGenerator");
        Map<String, Path> files = new LinkedHashMap<>();
        for (String entry : ContainerFiles.strings(definition.get("files"), "files")) {
          String[] keyAndPath = entry.split("=", 2);
          String key =
              keyAndPath.length == 2 ? keyAndPath[0] : Path.of(entry).getFileName().toString();
          Path source = folder.resolve(keyAndPath[keyAndPath.length - 1]).normalize();
          if (!Files.isRegularFile(source)) {
            problems.add(file + ": ConfigMap file " + source + " does not exist");
          }
          files.put(key, source);
        }
        configMapFiles.put(String.valueOf(definition.get("name")), files);
      }
      assertThat(folders).as("%s: folders it builds on", file).doesNotHaveDuplicates();
    }
  }
}
