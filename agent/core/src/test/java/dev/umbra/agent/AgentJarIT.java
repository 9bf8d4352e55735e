package dev.umbra.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.log.JulLogger;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;

/** The shaded agent jar as users get it (built by package, path from failsafe). */
class AgentJarIT {
  private static JarFile jar() throws Exception {
    return new JarFile(Path.of(System.getProperty("umbra.agent.jar")).toFile());
  }

  @Test
  void containsNoClassOutsideDevUmbra() throws Exception {
    try (JarFile jar = jar()) {
      List<String> foreign = Collections.list(jar.entries()).stream()
          .map(JarEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .map(n -> n.replaceFirst("^META-INF/versions/\\d+/", ""))
          .filter(n -> !n.startsWith("dev/umbra/"))
          .collect(Collectors.toList());

      assertThat(foreign).isEmpty();
    }
  }

  @Test
  void relocatesEveryDependency_underTheShadedPackage() throws Exception {
    try (JarFile jar = jar()) {
      List<String> names = Collections.list(jar.entries()).stream().map(JarEntry::getName).collect(Collectors.toList());

      assertThat(names).filteredOn(n -> n.endsWith(".class") && n.startsWith("dev/umbra/")
              && !n.startsWith("dev/umbra/agent/") && !n.startsWith("dev/umbra/api/"))
          .isEmpty();
      assertThat(names).contains("dev/umbra/agent/shaded/io/grpc/ManagedChannel.class",
          "dev/umbra/agent/shaded/io/netty/channel/Channel.class",
          "dev/umbra/agent/shaded/com/google/protobuf/MessageLite.class",
          "dev/umbra/agent/shaded/net/bytebuddy/agent/builder/AgentBuilder.class",
          "dev/umbra/agent/shaded/proto/v1/AgentMessage.class",
          "dev/umbra/agent/shaded/units/Durations.class");
      assertThat(names).filteredOn(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
          .allMatch(n -> n.startsWith("META-INF/services/dev.umbra.agent.shaded."));
      assertThat(names).noneMatch(n -> n.endsWith("module-info.class") || n.endsWith(".SF") || n.endsWith(".RSA"));
    }
  }

  @Test
  void carriesNoLoadBalancingPolicyBeyondPickFirst() throws Exception {
    try (JarFile jar = jar()) {
      List<String> names = Collections.list(jar.entries()).stream().map(JarEntry::getName).collect(Collectors.toList());

      assertThat(names).contains("dev/umbra/agent/shaded/io/grpc/internal/PickFirstLoadBalancerProvider.class")
          .noneMatch(n -> n.startsWith("dev/umbra/agent/shaded/io/grpc/util/"));
    }
  }

  @Test
  void carriesProtobufsLiteRuntimeOnly() throws Exception {
    try (JarFile jar = jar()) {
      List<String> names = Collections.list(jar.entries()).stream().map(JarEntry::getName).collect(Collectors.toList());

      // the full runtime's descriptor-based schema would be loaded beside the lite one (run 18)
      assertThat(names).contains("dev/umbra/agent/shaded/com/google/protobuf/GeneratedMessageLite.class")
          .doesNotContain("dev/umbra/agent/shaded/com/google/protobuf/GeneratedMessage.class",
              "dev/umbra/agent/shaded/com/google/protobuf/Descriptors.class",
              "dev/umbra/agent/shaded/com/google/protobuf/DescriptorMessageInfoFactory.class");
    }
  }

  @Test
  void leavesNoReferenceToTheJdksLogger_inAnyClass() throws Exception {
    byte[] jdkLogger = "java/util/logging/Logger".getBytes(StandardCharsets.UTF_8);
    try (JarFile jar = jar()) {
      List<String> referring = new ArrayList<>();
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (entry.getName().endsWith(".class")) {
          try (InputStream in = jar.getInputStream(entry)) {
            if (contains(in.readAllBytes(), jdkLogger)) {
              referring.add(entry.getName());
            }
          }
        }
      }

      // gRPC, Netty, Guava and protobuf log through dev.umbra.agent.log.JulLogger instead
      assertThat(referring).isEmpty();
      assertThat(jar.getEntry("dev/umbra/agent/log/JulLogger.class")).isNotNull();
    }
  }

  @Test
  void everyCallToTheLoggerStandIn_findsItsMethod() throws Exception {
    String owner = Type.getInternalName(JulLogger.class);
    Set<String> called = new TreeSet<>();
    try (JarFile jar = jar()) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        if (!entry.getName().endsWith(".class") || entry.getName().startsWith("META-INF/")
            || entry.getName().equals(owner + ".class")) { // its own calls to its private helpers
          continue;
        }
        try (InputStream in = jar.getInputStream(entry)) {
          new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
              return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String calledOwner, String calledName, String calledDescriptor,
                    boolean isInterface) {
                  if (calledOwner.equals(owner)) {
                    called.add(calledName + calledDescriptor);
                  }
                }
              };
            }
          }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
      }
    }
    Set<String> offered = new TreeSet<>();
    for (Method m : JulLogger.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())) {
        offered.add(m.getName() + Type.getMethodDescriptor(m));
      }
    }

    // a call the stand-in lacks would be a NoSuchMethodError in the application's JVM
    assertThat(called).isNotEmpty();
    assertThat(offered).containsAll(called);
  }

  private static boolean contains(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i <= bytes.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void declaresAgentEntryPoints() throws Exception {
    try (JarFile jar = jar()) {
      Attributes main = jar.getManifest().getMainAttributes();

      assertThat(main.getValue("Premain-Class")).isEqualTo("dev.umbra.agent.UmbraAgent");
      assertThat(main.getValue("Agent-Class")).isEqualTo("dev.umbra.agent.UmbraAgent");
      assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(main.getValue("Can-Redefine-Classes")).isEqualTo("true");
    }
  }
}
