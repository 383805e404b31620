package dev.edgestack.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.edgestack.it.DockerfileModel.Instruction;
import dev.edgestack.it.DockerfileModel.Stage;
import dev.edgestack.stack.Role;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The image: its build stage runs the Maven build the README documents, its runtime stage holds the
 * jars that build really produces and runs them as the launcher does (same Hazelcast flags, heap
 * from the container limit), as a non-root user, with a health check on the admin readiness
 * endpoint. The entry point and health check scripts are run here for real (with a stand-in {@code
 * java}); only {@code docker build} itself needs an engine.
 */
class DockerfileTest {
  static final String ENTRYPOINT = "deploy/docker/entrypoint.sh";
  static final String HEALTHCHECK = "deploy/docker/healthcheck.sh";

  /** The docs that describe running with compose. */
  static final List<String> DOCS = List.of("README.md");

  static DockerfileModel dockerfile;

  @TempDir static Path scratch;

  @BeforeAll
  static void read() {
    dockerfile = DockerfileModel.read(ContainerFiles.file("Dockerfile"));
  }

  static Stage buildStage() {
    Set<String> sources =
        dockerfile.runtime().all("COPY").stream()
            .flatMap(copy -> copy.flag("from").stream())
            .collect(Collectors.toSet());
    assertThat(sources).as("stages the runtime stage copies from").hasSize(1);
    return dockerfile.stage(sources.iterator().next());
  }

  @Test
  void isAMultiStageBuildFromMavenToAJre() {
    assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(buildStage().image()).startsWith("maven:").contains("17");
    assertThat(dockerfile.runtime().image()).startsWith("eclipse-temurin:17-jre");
    assertThat(dockerfile.runtime().last("WORKDIR").map(Instruction::arguments))
        .contains(ContainerFiles.IMAGE_HOME);
  }

  @Test
  void buildStageRunsTheMavenCommandTheReadmeDocuments() {
    List<String> maven =
        buildStage().all("RUN").stream()
            .map(run -> String.join(" ", run.words()))
            .filter(command -> command.startsWith("mvn "))
            .toList();
    assertThat(maven).as("Maven commands of the build stage").hasSize(1);
    String command = maven.get(0);
    assertThat(command.split("\\s+"))
        .as("a batch build of the jars: %s", command)
        .contains("-B", "package")
        .doesNotContain("-o", "-q");
    List<String> documenting = new ArrayList<>();
    for (String doc : DOCS) {
      Path file = ContainerFiles.file(doc);
      if (Files.isRegularFile(file)
          && ContainerFiles.read(file).contains("Run with Docker Compose")) {
        documenting.add(doc);
        assertThat(ContainerFiles.read(file))
            .as("%s says which Maven command builds the image", doc)
            .contains(command);
      }
    }
    assertThat(documenting).as("docs with a \"Run with Docker Compose\" section").isNotEmpty();
  }

  @Test
  void runtimeStageHoldsTheRunnableJarOfEveryDeployable() throws Exception {
    Stage build = buildStage();
    String buildHome = build.last("WORKDIR").map(Instruction::arguments).orElse("/");
    Document root = pom(ContainerFiles.file("pom.xml"));
    List<String> modules = texts(root, "module");
    assertThat(shadeFinalName(root))
        .as("root pom: the runnable jar's name")
        .isEqualTo("${project.artifactId}");

    Map<String, String> copied = new LinkedHashMap<>();
    Pattern jar = Pattern.compile(Pattern.quote(buildHome) + "/([a-z-]+)/target/([a-z-]+)\\.jar");
    for (Instruction copy : dockerfile.runtime().all("COPY")) {
      if (copy.flag("from").isEmpty()) {
        continue;
      }
      List<String> words = copy.words();
      Matcher matcher = jar.matcher(words.get(0));
      assertThat(matcher.matches())
          .as("COPY %s (expected: %s/MODULE/target/MODULE.jar)", copy.arguments(), buildHome)
          .isTrue();
      String module = matcher.group(1);
      assertThat(matcher.group(2)).as("jar name of %s", module).isEqualTo(module);
      assertThat(modules).as("modules of the build").contains(module);
      Document pom = pom(ContainerFiles.file(module + "/pom.xml"));
      assertThat(directChild(pom.getDocumentElement(), "artifactId")).isEqualTo(module);
      assertThat(texts(pom, "artifactId"))
          .as("%s builds a shaded jar", module)
          .contains("maven-shade-plugin");
      assertThat(texts(pom, "main.class")).as("%s has a main class", module).hasSize(1);
      assertThat(ContainerFiles.file(module + "/target/" + module + ".jar"))
          .as("the jar the build produces (mvn -DskipTests package builds it)")
          .isRegularFile();
      copied.put(module, words.get(1));
    }
    Set<String> deployables =
        Arrays.stream(Role.values())
            .map(Role::module)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(copied.keySet()).containsExactlyInAnyOrderElementsOf(deployables);
    copied.forEach(
        (module, target) ->
            assertThat(target).isEqualTo(ContainerFiles.IMAGE_HOME + "/lib/" + module + ".jar"));
  }

  @Test
  void entryPointIsTheScriptThatRunsTheDeployables() {
    assertThat(dockerfile.runtime().last("ENTRYPOINT").map(Instruction::arguments))
        .contains("[\"/app/bin/entrypoint\"]");
    assertThat(copiedTo("/app/bin/entrypoint")).isEqualTo(ENTRYPOINT);
    assertThat(copiedTo("/app/config")).isEqualTo("config");
  }

  @Test
  void entryPointRunsEachDeployableJarWithTheLaunchersHazelcastFlags() throws Exception {
    for (Role role : Role.values()) {
      String module = role.module();
      List<String> java =
          runEntryPoint(
              Map.of("EDGE_INSTANCE", "x"), module, "--config", "config/" + module + ".yaml");
      assertThat(java)
          .as("java command for %s", module)
          .containsSubsequence(
              "-jar", "/app/lib/" + module + ".jar", "--config", "config/" + module + ".yaml");
      assertThat(java).containsSubsequence(launcherFlagsWithoutSizing());
      assertThat(java).containsSubsequence(javaOpts());
    }
  }

  @Test
  void entryPointTakesTheDeployableAndConfigFromTheEnvironment() throws Exception {
    List<String> java =
        runEntryPoint(
            Map.of(
                "EDGE_DEPLOYABLE", "edge-lb",
                "EDGE_CONFIG", "config/edge-lb.yaml",
                "EDGE_INSTANCE_PREFIX", "edge-lb-"));
    assertThat(java)
        .containsSubsequence("-jar", "/app/lib/edge-lb.jar", "--config", "config/edge-lb.yaml");
    assertThat(java.get(0))
        .as("a replica without EDGE_INSTANCE is named after its host (container id, pod name)")
        .startsWith("EDGE_INSTANCE=edge-lb-")
        .isNotEqualTo("EDGE_INSTANCE=edge-lb-");
  }

  @Test
  void entryPointRefusesAnUnknownDeployable() throws Exception {
    ContainerFiles.CommandResult result =
        entryPoint(Map.of("EDGE_CONFIG", "config/edge-lb.yaml"), "stack");
    assertThat(result.exitCode()).isEqualTo(64);
    assertThat(result.errors()).contains("unknown deployable 'stack'");
  }

  @Test
  void heapIsAShareOfTheContainersMemoryLimit() {
    assertThat(javaOpts())
        .anyMatch(option -> option.startsWith("-XX:MaxRAMPercentage="))
        .noneMatch(option -> option.startsWith("-Xmx") || option.startsWith("-Xms"));
  }

  @Test
  void trimsTheNativeHeapAndKeepsCompiledCodeLikeTheLauncher() throws ReflectiveOperationException {
    // Every -XX flag of the launcher but its choice of collector, which the image leaves to the
    // JVM's ergonomics for the container's limits.
    List<String> flags =
        launcherOptions().stream()
            .filter(option -> option.startsWith("-XX:") && !option.endsWith("GC"))
            .toList();
    assertThat(flags).contains("-XX:TrimNativeHeapInterval=5000", "-XX:-UseCodeCacheFlushing");
    assertThat(javaOpts()).containsSubsequence(flags);
  }

  @Test
  void thisJavaAcceptsTheImagesJavaOpts() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOpts());
    command.add("-version");
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(java.waitFor(30, TimeUnit.SECONDS)).as("java -version exits").isTrue();
      assertThat(java.exitValue()).as(output).isZero();
    } finally {
      java.destroyForcibly();
    }
  }

  @Test
  void runsAsANonRootUser() {
    String user = dockerfile.runtime().last("USER").map(Instruction::arguments).orElse("root");
    String uid = user.split(":")[0];
    assertThat(uid).isNotIn("root", "0");
    assertThat(user).isEqualTo("10001:10001");
  }

  @Test
  void healthCheckAsksTheAdminReadinessEndpoint() throws Exception {
    Instruction healthcheck = dockerfile.runtime().last("HEALTHCHECK").orElseThrow();
    assertThat(healthcheck.arguments()).contains("CMD [\"/app/bin/healthcheck\"]");
    assertThat(copiedTo("/app/bin/healthcheck")).isEqualTo(HEALTHCHECK);

    AtomicInteger status = new AtomicInteger(200);
    AtomicReference<String> asked = new AtomicReference<>();
    HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    admin.createContext(
        "/",
        exchange -> {
          asked.set(exchange.getRequestURI().getPath());
          exchange.sendResponseHeaders(status.get(), -1);
          exchange.close();
        });
    admin.start();
    try {
      Map<String, String> environment =
          Map.of("EDGE_ADMIN_PORT", String.valueOf(admin.getAddress().getPort()));
      assertThat(script(HEALTHCHECK, environment).exitCode()).as("healthy when ready").isZero();
      assertThat(asked.get()).isEqualTo("/health/ready");
      status.set(503);
      assertThat(script(HEALTHCHECK, environment).exitCode())
          .as("unhealthy when not ready (draining, cluster not joined)")
          .isNotZero();
    } finally {
      admin.stop(0);
    }
    assertThat(script(HEALTHCHECK, Map.of("EDGE_ADMIN_PORT", "1")).exitCode())
        .as("unhealthy when nothing listens")
        .isNotZero();
  }

  @Test
  void dockerignoreKeepsTheBuildInputsAndDropsBuildOutputs() throws Exception {
    List<PathMatcher> ignored = new ArrayList<>();
    for (String line : ContainerFiles.read(ContainerFiles.file(".dockerignore")).split("\n")) {
      String pattern = line.strip();
      if (!pattern.isEmpty() && !pattern.startsWith("#")) {
        assertThat(pattern).as(".dockerignore exceptions are not used").doesNotStartWith("!");
        ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      }
    }
    List<String> needed =
        new ArrayList<>(
            List.of(
                "pom.xml",
                ".mvn/jvm.config",
                "config/edge-lb.yaml",
                "build/checkstyle.xml",
                ENTRYPOINT,
                HEALTHCHECK));
    for (String module : texts(pom(ContainerFiles.file("pom.xml")), "module")) {
      needed.add(module + "/pom.xml");
      needed.add(module + "/src/main/java/Example.java");
    }
    for (String path : needed) {
      assertThat(isIgnored(ignored, path)).as("%s reaches the build", path).isFalse();
    }
    for (String path : List.of(".git/HEAD", "edge-lb/target/edge-lb.jar", "run/state.json")) {
      assertThat(isIgnored(ignored, path)).as("%s stays out of the build context", path).isTrue();
    }
  }

  private static boolean isIgnored(List<PathMatcher> ignored, String path) {
    for (Path prefix = Path.of(path); prefix != null; prefix = prefix.getParent()) {
      for (PathMatcher matcher : ignored) {
        if (matcher.matches(prefix)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The source of the COPY (without --from) whose destination is {@code target}. */
  private static String copiedTo(String target) {
    return dockerfile.runtime().all("COPY").stream()
        .filter(copy -> copy.flag("from").isEmpty())
        .filter(copy -> copy.words().get(1).equals(target))
        .map(copy -> copy.words().get(0))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing is copied to " + target));
  }

  /** JAVA_OPTS as the runtime stage's ENV sets it. */
  static List<String> javaOpts() {
    String env = dockerfile.runtime().last("ENV").map(Instruction::arguments).orElse("");
    Matcher matcher = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"").matcher(env);
    assertThat(matcher.find()).as("ENV JAVA_OPTS=\"...\" in %s", env).isTrue();
    return List.of(matcher.group(1).split("\\s+"));
  }

  /** The launcher's JVM options less heap, stack and GC choices, which JAVA_OPTS makes here. */
  static List<String> launcherFlagsWithoutSizing() throws ReflectiveOperationException {
    return launcherOptions().stream().filter(option -> !option.startsWith("-X")).toList();
  }

  /** The launcher's JVM options ({@code JavaCommand.BASE_OPTIONS}). */
  static List<String> launcherOptions() throws ReflectiveOperationException {
    Field field = Class.forName("dev.edgestack.stack.JavaCommand").getDeclaredField("BASE_OPTIONS");
    field.setAccessible(true);
    @SuppressWarnings("unchecked")
    List<String> options = (List<String>) field.get(null);
    return options;
  }

  /**
   * The java command line the entry point executes, with {@code EDGE_INSTANCE=...} first: a
   * stand-in {@code java} on the PATH prints it.
   */
  private static List<String> runEntryPoint(Map<String, String> environment, String... arguments)
      throws IOException {
    ContainerFiles.CommandResult result = entryPoint(environment, arguments);
    assertThat(result.exitCode()).as("entry point: %s", result.errors()).isZero();
    return List.of(result.output().split("\n"));
  }

  private static ContainerFiles.CommandResult entryPoint(
      Map<String, String> environment, String... arguments) throws IOException {
    Path bin = scratch.resolve("bin");
    Path java = bin.resolve("java");
    if (!Files.exists(java)) {
      Files.createDirectories(bin);
      Files.writeString(
          java, "#!/usr/bin/env bash\nprintf '%s\\n' \"EDGE_INSTANCE=$EDGE_INSTANCE\" \"$@\"\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Map<String, String> variables = new LinkedHashMap<>(environment);
    variables.put("PATH", bin + ":" + System.getenv("PATH"));
    variables.put("JAVA_OPTS", String.join(" ", javaOpts()));
    return script(ENTRYPOINT, variables, arguments);
  }

  private static ContainerFiles.CommandResult script(
      String script, Map<String, String> environment, String... arguments) {
    List<String> command = new ArrayList<>(List.of("bash", script));
    command.addAll(List.of(arguments));
    return ContainerFiles.run(command, environment, Duration.ofSeconds(20));
  }

  static Document pom(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (InputStream in = Files.newInputStream(file)) {
      return factory.newDocumentBuilder().parse(in);
    }
  }

  static List<String> texts(Document document, String tag) {
    NodeList nodes = document.getElementsByTagName(tag);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent().strip());
    }
    return texts;
  }

  private static String directChild(Element parent, String tag) {
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && element.getTagName().equals(tag)) {
        return element.getTextContent().strip();
      }
    }
    throw new AssertionError("no <" + tag + "> under <" + parent.getTagName() + ">");
  }

  private static String shadeFinalName(Document root) {
    NodeList plugins = root.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      if (directChild(plugin, "artifactId").equals("maven-shade-plugin")) {
        NodeList names = plugin.getElementsByTagName("finalName");
        if (names.getLength() == 1) {
          return names.item(0).getTextContent().strip();
        }
      }
    }
    throw new AssertionError("root pom: no maven-shade-plugin with a finalName");
  }
}
