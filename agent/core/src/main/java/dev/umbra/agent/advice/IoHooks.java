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
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.ByteBuffer;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Byte Buddy's side of the I/O hooks, loaded only by the throw-away {@code HookLoader}: the
 * transformer that weaves the advice into the JDK classes that do file and socket I/O (every
 * other type is ignored before Byte Buddy looks at it). {@code WovenIo} installs the
 * transformer, keeps the woven bytes and drops the rest, so that none of these classes stays
 * reachable after start-up.
 */
public final class IoHooks {
  private IoHooks() {}

  /**
   * The weaving transformer, not installed: it returns the woven class file for a target and
   * null for anything else or on failure (logged).
   */
  public static ClassFileTransformer weaver(Instrumentation instrumentation, Set<String> targets)
      throws NoSuchMethodException {
    Advice.WithCustomMapping mapping = Advice.withCustomMapping();
    ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(IoHooks.class.getClassLoader());
    Advice.ExceptionHandler countErrors =
        new Advice.ExceptionHandler.Simple(
            MethodInvocation.invoke(
                new MethodDescription.ForLoadedMethod(
                    IoCounters.class.getMethod("adviceError", Throwable.class))));
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
        .with(new Listener())
        .ignore(not(namedOneOf(targets.toArray(String[]::new))))
        .assureReadEdgeTo(instrumentation, IoCounters.class)
        .type(namedOneOf(targets.toArray(String[]::new)))
        .transform(
            (builder, type, loader, module, domain) ->
                builder.visit(advice(type.getName(), mapping, locator, countErrors)))
        .makeRaw();
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

  private static final class Listener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
      AgentLog.warn("cannot hook " + typeName, error);
    }
  }
}
