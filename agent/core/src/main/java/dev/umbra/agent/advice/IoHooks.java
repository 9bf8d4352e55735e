package dev.umbra.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.umbra.agent.bootstrap.IoCounters;
import dev.umbra.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the I/O advice into the JDK classes that do file and socket I/O, by retransforming
 * them (they are loaded long before the agent). Six classes, a few methods each; every other
 * type is ignored before Byte Buddy looks at it. If any of the six cannot be transformed the
 * hooks are removed again (all or nothing: partial counts would be wrong counts) and the agent
 * runs on without them.
 */
public final class IoHooks implements AutoCloseable {
  static final Set<String> TARGETS =
      Set.of(
          "java.io.FileInputStream",
          "java.io.FileOutputStream",
          "java.io.RandomAccessFile",
          "sun.nio.ch.FileChannelImpl",
          "sun.nio.ch.NioSocketImpl",
          "sun.nio.ch.SocketChannelImpl");

  private final Instrumentation instrumentation;
  private final ResettableClassFileTransformer transformer;
  private final Set<String> transformed;
  private volatile boolean closed;

  private IoHooks(Instrumentation instrumentation, ResettableClassFileTransformer transformer, Set<String> transformed) {
    this.instrumentation = instrumentation;
    this.transformer = transformer;
    this.transformed = transformed;
  }

  /** Installs the hooks; empty when they could not all be installed (logged once). */
  public static java.util.Optional<IoHooks> install(Instrumentation instrumentation) {
    Set<String> transformed = ConcurrentHashMap.newKeySet();
    Set<String> failed = ConcurrentHashMap.newKeySet();
    ResettableClassFileTransformer transformer;
    java.util.List<Class<?>> loadedTargets = new java.util.ArrayList<>();
    for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
      if (TARGETS.contains(loaded.getName()) && loaded.getClassLoader() == null) {
        loadedTargets.add(loaded);
      }
    }
    try {
      Advice.WithCustomMapping mapping = Advice.withCustomMapping();
      ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(IoHooks.class.getClassLoader());
      Advice.ExceptionHandler countErrors =
          new Advice.ExceptionHandler.Simple(
              MethodInvocation.invoke(
                  new MethodDescription.ForLoadedMethod(
                      IoCounters.class.getMethod("adviceError", Throwable.class))));
      transformer =
          new AgentBuilder.Default()
              .disableClassFormatChanges()
              .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
              // retransform only the loaded targets instead of matching every loaded class
              .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(loadedTargets.toArray(Class<?>[]::new)))
              .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
              .with(AgentBuilder.TypeStrategy.Default.DECORATE)
              .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
              .with(new Listener(transformed, failed))
              .ignore(not(namedOneOf(TARGETS.toArray(String[]::new))))
              .assureReadEdgeTo(instrumentation, IoCounters.class)
              .type(namedOneOf(TARGETS.toArray(String[]::new)))
              .transform(
                  (builder, type, loader, module, domain) ->
                      builder.visit(advice(type.getName(), mapping, locator, countErrors)))
              .installOn(instrumentation);
    } catch (Throwable t) {
      AgentLog.warn("I/O hooks not installed, disk and network bytes will read 0", t);
      return java.util.Optional.empty();
    }
    // targets not loaded yet (SocketChannelImpl in an app without NIO) are woven when they load
    Set<String> missing = new java.util.TreeSet<>();
    for (Class<?> loaded : loadedTargets) {
      if (!transformed.contains(loaded.getName())) {
        missing.add(loaded.getName());
      }
    }
    if (!failed.isEmpty() || !missing.isEmpty()) {
      AgentLog.warn("I/O hooks dropped: could not transform " + (failed.isEmpty() ? missing : failed));
      resetQuietly(instrumentation, transformer);
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new IoHooks(instrumentation, transformer, Set.copyOf(transformed)));
  }

  private static AsmVisitorWrapper advice(
      String type, Advice.WithCustomMapping mapping, ClassFileLocator locator, Advice.ExceptionHandler errors) {
    Hooks hooks = new Hooks(mapping, locator, errors);
    return switch (type) {
      case "java.io.FileInputStream" -> hooks.fileReads();
      case "java.io.FileOutputStream" -> hooks.fileWrites();
      case "java.io.RandomAccessFile" ->
          new AsmVisitorWrapper.Compound(hooks.fileReads(), hooks.fileWrites(),
              hooks.on(SeekAdvice.class, isPublic().and(named("seek")).and(takesArguments(long.class))));
      case "sun.nio.ch.FileChannelImpl" -> hooks.fileChannel();
      case "sun.nio.ch.NioSocketImpl" ->
          new AsmVisitorWrapper.Compound(
              hooks.on(SocketReadAdvice.class, isPrivate().and(named("read")).and(takesArguments(byte[].class, int.class, int.class))),
              hooks.on(SocketWriteAdvice.class, isPrivate().and(named("write")).and(takesArguments(byte[].class, int.class, int.class))));
      case "sun.nio.ch.SocketChannelImpl" ->
          new AsmVisitorWrapper.Compound(
              hooks.on(SocketChannelReadAdvice.class, isPublic().and(named("read")).and(takesArguments(ByteBuffer.class))),
              hooks.on(SocketChannelReadVectorAdvice.class, isPublic().and(named("read")).and(takesArguments(ByteBuffer[].class, int.class, int.class))),
              hooks.on(SocketChannelWriteAdvice.class, isPublic().and(named("write")).and(takesArguments(ByteBuffer.class))),
              hooks.on(SocketChannelWriteVectorAdvice.class, isPublic().and(named("write")).and(takesArguments(ByteBuffer[].class, int.class, int.class))));
      default -> AsmVisitorWrapper.NoOp.INSTANCE;
    };
  }

  private record Hooks(Advice.WithCustomMapping mapping, ClassFileLocator locator, Advice.ExceptionHandler errors) {
    AsmVisitorWrapper on(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {
      return mapping.to(advice, locator).withExceptionHandler(errors).on(methods);
    }

    AsmVisitorWrapper fileReads() {
      return new AsmVisitorWrapper.Compound(
          on(FileReadByteAdvice.class, isPublic().and(named("read")).and(takesArguments(0))),
          on(FileReadAdvice.class, isPublic().and(named("read")).and(takesArguments(byte[].class))),
          on(FileReadAdvice.class, isPublic().and(named("read")).and(takesArguments(byte[].class, int.class, int.class))));
    }

    AsmVisitorWrapper fileWrites() {
      return new AsmVisitorWrapper.Compound(
          on(FileWriteByteAdvice.class, isPublic().and(named("write")).and(takesArguments(int.class))),
          on(FileWriteArrayAdvice.class, isPublic().and(named("write")).and(takesArguments(byte[].class))),
          on(FileWriteAdvice.class, isPublic().and(named("write")).and(takesArguments(byte[].class, int.class, int.class))));
    }

    AsmVisitorWrapper fileChannel() {
      return new AsmVisitorWrapper.Compound(
          on(ChannelReadAdvice.class, isPublic().and(named("read")).and(takesArguments(ByteBuffer.class))),
          on(ChannelReadVectorAdvice.class, isPublic().and(named("read")).and(takesArguments(ByteBuffer[].class, int.class, int.class))),
          on(ChannelReadAtAdvice.class, isPublic().and(named("read")).and(takesArguments(ByteBuffer.class, long.class))),
          on(ChannelWriteAdvice.class, isPublic().and(named("write")).and(takesArguments(ByteBuffer.class))),
          on(ChannelWriteVectorAdvice.class, isPublic().and(named("write")).and(takesArguments(ByteBuffer[].class, int.class, int.class))),
          on(ChannelWriteAtAdvice.class, isPublic().and(named("write")).and(takesArguments(ByteBuffer.class, long.class))),
          on(SeekAdvice.class, isPublic().and(named("position")).and(takesArguments(long.class))
              .and(returns(named("java.nio.channels.FileChannel")))));
    }
  }

  /** Classes the hooks are woven into. */
  public Set<String> transformed() {
    return transformed;
  }

  /** Removes the hooks (retransforms the classes back). Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      resetQuietly(instrumentation, transformer);
    }
  }

  private static void resetQuietly(Instrumentation instrumentation, ResettableClassFileTransformer transformer) {
    try {
      transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    } catch (Throwable t) {
      AgentLog.warn("could not remove the I/O hooks", t);
    }
  }

  private static final class Listener extends AgentBuilder.Listener.Adapter {
    private final Set<String> transformed;
    private final Set<String> failed;

    Listener(Set<String> transformed, Set<String> failed) {
      this.transformed = transformed;
      this.failed = failed;
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
        boolean loaded, DynamicType dynamicType) {
      transformed.add(type.getName());
    }

    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
      failed.add(typeName);
      AgentLog.warn("cannot hook " + typeName, error);
    }
  }
}
