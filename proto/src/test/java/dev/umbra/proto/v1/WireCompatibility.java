package dev.umbra.proto.v1;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lists the changes between two versions of the contract that would break a peer built against
 * the older one: a message, enum, service or method removed; a field or enum value removed
 * without reserving its number, renumbered, retyped, moved in or out of a oneof, or renamed
 * (which breaks JSON clients). Adding is always allowed.
 */
final class WireCompatibility {

  /** Integer types that protobuf parses interchangeably (varint wire type). */
  private static final Set<Type> VARINTS =
      Set.of(Type.TYPE_INT32, Type.TYPE_UINT32, Type.TYPE_INT64, Type.TYPE_UINT64, Type.TYPE_BOOL);

  private WireCompatibility() {}

  static FileDescriptorSet current() {
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    for (FileDescriptor file :
        List.of(
            CommonProto.getDescriptor(),
            TelemetryProto.getDescriptor(),
            ForecastProto.getDescriptor(),
            AnomalyProto.getDescriptor(),
            ControlProto.getDescriptor())) {
      set.addFile(file.toProto());
    }
    return set.build();
  }

  static List<String> breakingChanges(FileDescriptorSet baseline, FileDescriptorSet current) {
    Map<String, DescriptorProto> newMessages = new LinkedHashMap<>();
    Map<String, EnumDescriptorProto> newEnums = new LinkedHashMap<>();
    Map<String, ServiceDescriptorProto> newServices = new LinkedHashMap<>();
    index(current, newMessages, newEnums, newServices);
    Map<String, DescriptorProto> oldMessages = new LinkedHashMap<>();
    Map<String, EnumDescriptorProto> oldEnums = new LinkedHashMap<>();
    Map<String, ServiceDescriptorProto> oldServices = new LinkedHashMap<>();
    index(baseline, oldMessages, oldEnums, oldServices);

    List<String> problems = new ArrayList<>();
    oldMessages.forEach(
        (name, old) -> {
          DescriptorProto now = newMessages.get(name);
          if (now == null) {
            problems.add("message " + name + " was removed");
          } else {
            compareMessage(name, old, now, problems);
          }
        });
    oldEnums.forEach(
        (name, old) -> {
          EnumDescriptorProto now = newEnums.get(name);
          if (now == null) {
            problems.add("enum " + name + " was removed");
          } else {
            compareEnum(name, old, now, problems);
          }
        });
    oldServices.forEach(
        (name, old) -> {
          ServiceDescriptorProto now = newServices.get(name);
          if (now == null) {
            problems.add("service " + name + " was removed");
          } else {
            compareService(name, old, now, problems);
          }
        });
    return problems;
  }

  private static void compareMessage(
      String name, DescriptorProto old, DescriptorProto now, List<String> problems) {
    Map<Integer, FieldDescriptorProto> fields = new LinkedHashMap<>();
    now.getFieldList().forEach(f -> fields.put(f.getNumber(), f));
    for (FieldDescriptorProto was : old.getFieldList()) {
      String where = name + "." + was.getName() + " (#" + was.getNumber() + ")";
      FieldDescriptorProto is = fields.get(was.getNumber());
      if (is == null) {
        boolean reserved =
            now.getReservedRangeList().stream()
                .anyMatch(r -> r.getStart() <= was.getNumber() && was.getNumber() < r.getEnd());
        if (!reserved) {
          problems.add(where + " was removed without reserving its number");
        }
        continue;
      }
      if (!is.getName().equals(was.getName())) {
        problems.add(where + " was renamed to " + is.getName());
      }
      if (is.getType() != was.getType()
          && !(VARINTS.contains(is.getType()) && VARINTS.contains(was.getType()))) {
        problems.add(where + " changed type from " + was.getType() + " to " + is.getType());
      }
      if (!is.getTypeName().equals(was.getTypeName())) {
        problems.add(where + " changed type from " + was.getTypeName() + " to " + is.getTypeName());
      }
      if (is.getLabel() != was.getLabel()) {
        problems.add(where + " changed label from " + was.getLabel() + " to " + is.getLabel());
      }
      if (oneofName(old, was) != null ? !oneofName(old, was).equals(oneofName(now, is))
          : oneofName(now, is) != null) {
        problems.add(where + " moved between oneofs");
      }
    }
  }

  private static String oneofName(DescriptorProto message, FieldDescriptorProto field) {
    if (!field.hasOneofIndex() || field.getProto3Optional()) {
      return null;
    }
    return message.getOneofDecl(field.getOneofIndex()).getName();
  }

  private static void compareEnum(
      String name, EnumDescriptorProto old, EnumDescriptorProto now, List<String> problems) {
    Map<Integer, EnumValueDescriptorProto> values = new LinkedHashMap<>();
    now.getValueList().forEach(v -> values.put(v.getNumber(), v));
    for (EnumValueDescriptorProto was : old.getValueList()) {
      EnumValueDescriptorProto is = values.get(was.getNumber());
      String where = name + "." + was.getName() + " (=" + was.getNumber() + ")";
      if (is == null) {
        boolean reserved =
            now.getReservedRangeList().stream()
                .anyMatch(r -> r.getStart() <= was.getNumber() && was.getNumber() <= r.getEnd());
        if (!reserved) {
          problems.add(where + " was removed without reserving its number");
        }
      } else if (!is.getName().equals(was.getName())) {
        problems.add(where + " was renamed to " + is.getName());
      }
    }
  }

  private static void compareService(
      String name, ServiceDescriptorProto old, ServiceDescriptorProto now, List<String> problems) {
    Map<String, MethodDescriptorProto> methods = new LinkedHashMap<>();
    now.getMethodList().forEach(m -> methods.put(m.getName(), m));
    for (MethodDescriptorProto was : old.getMethodList()) {
      String where = name + "/" + was.getName();
      MethodDescriptorProto is = methods.get(was.getName());
      if (is == null) {
        problems.add(where + " was removed");
        continue;
      }
      if (!is.getInputType().equals(was.getInputType())
          || !is.getOutputType().equals(was.getOutputType())) {
        problems.add(where + " changed its request or response type");
      }
      if (is.getClientStreaming() != was.getClientStreaming()
          || is.getServerStreaming() != was.getServerStreaming()) {
        problems.add(where + " changed streaming");
      }
    }
  }

  private static void index(
      FileDescriptorSet set,
      Map<String, DescriptorProto> messages,
      Map<String, EnumDescriptorProto> enums,
      Map<String, ServiceDescriptorProto> services) {
    for (FileDescriptorProto file : set.getFileList()) {
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      for (DescriptorProto message : file.getMessageTypeList()) {
        indexMessage(prefix + message.getName(), message, messages, enums);
      }
      for (EnumDescriptorProto e : file.getEnumTypeList()) {
        enums.put(prefix + e.getName(), e);
      }
      for (ServiceDescriptorProto service : file.getServiceList()) {
        services.put(prefix + service.getName(), service);
      }
    }
  }

  private static void indexMessage(
      String name,
      DescriptorProto message,
      Map<String, DescriptorProto> messages,
      Map<String, EnumDescriptorProto> enums) {
    if (message.getOptions().getMapEntry()) {
      return; // map entries are compared through their map field's type name
    }
    messages.put(name, message);
    for (DescriptorProto nested : message.getNestedTypeList()) {
      indexMessage(name + "." + nested.getName(), nested, messages, enums);
    }
    for (EnumDescriptorProto e : message.getEnumTypeList()) {
      enums.put(name + "." + e.getName(), e);
    }
  }
}
