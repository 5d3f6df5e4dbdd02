#include "proto_dict.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace pyfn {

namespace gp = google::protobuf;

namespace {

// RAII for a new reference.
class Ref {
 public:
  explicit Ref(PyObject* o = nullptr) : o_(o) {}
  ~Ref() { Py_XDECREF(o_); }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  PyObject* get() const { return o_; }
  PyObject* release() { PyObject* o = o_; o_ = nullptr; return o; }
  void reset(PyObject* o) { Py_XDECREF(o_); o_ = o; }
  explicit operator bool() const { return o_ != nullptr; }

 private:
  PyObject* o_;
};

bool IsDurationOrTimestamp(const gp::Descriptor* d) {
  return d->full_name() == "google.protobuf.Duration" ||
         d->full_name() == "google.protobuf.Timestamp";
}

// What a message type's conversion needs, worked out once per type: the
// fields in order with their dict keys as interned str (no key object made
// and hashed per field and message), and a lookup from name to field for the
// way back. Built and used with the GIL held (which also guards the cache);
// kept for the life of the process, like the descriptors.
struct FieldEntry {
  const gp::FieldDescriptor* field;
  PyObject* key;                       // interned; owned by the table
  bool presence;                       // messages and oneof members: only when set
  const gp::FieldDescriptor* map_key;  // maps: the entry's fields
  const gp::FieldDescriptor* map_value;
};

struct FieldTable {
  std::vector<FieldEntry> fields;
  std::unordered_map<std::string_view, const gp::FieldDescriptor*> by_name;
};

const FieldTable* TableFor(const gp::Descriptor* d) {
  static auto* cache =
      new std::unordered_map<const gp::Descriptor*, std::unique_ptr<FieldTable>>();
  auto it = cache->find(d);
  if (it != cache->end()) return it->second.get();
  auto t = std::make_unique<FieldTable>();
  for (int i = 0; i < d->field_count(); ++i) {
    const gp::FieldDescriptor* f = d->field(i);
    FieldEntry e{f, PyUnicode_InternFromString(f->name().c_str()),
                 f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE ||
                     f->containing_oneof() != nullptr,
                 nullptr, nullptr};
    if (e.key == nullptr) return nullptr;
    if (f->is_map()) {
      e.map_key = f->message_type()->FindFieldByNumber(1);
      e.map_value = f->message_type()->FindFieldByNumber(2);
    }
    t->fields.push_back(e);
    t->by_name.emplace(f->name(), f);  // the descriptor owns the name
  }
  return cache->emplace(d, std::move(t)).first->second.get();
}

PyObject* SecondsToPy(const gp::Message& m) {
  const gp::Descriptor* d = m.GetDescriptor();
  const gp::Reflection* r = m.GetReflection();
  int64_t sec = r->GetInt64(m, d->FindFieldByName("seconds"));
  int32_t nanos = r->GetInt32(m, d->FindFieldByName("nanos"));
  return PyFloat_FromDouble(static_cast<double>(sec) + nanos / 1e9);
}

// Decodes proto string bytes; invalid UTF-8 (which protobuf's parser normally
// rejects already) is replaced rather than failing the whole message.
PyObject* Utf8(const std::string& s) {
  return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
}

PyObject* SingularToPy(const gp::Message& m, const gp::FieldDescriptor* f);

PyObject* RepeatedElementToPy(const gp::Message& m, const gp::FieldDescriptor* f, int i) {
  const gp::Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32: return PyLong_FromLong(r->GetRepeatedInt32(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_INT64:
      return PyLong_FromLongLong(r->GetRepeatedInt64(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_UINT32:
      return PyLong_FromUnsignedLong(r->GetRepeatedUInt32(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      return PyLong_FromUnsignedLongLong(r->GetRepeatedUInt64(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
      return PyFloat_FromDouble(r->GetRepeatedDouble(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_FLOAT: return PyFloat_FromDouble(r->GetRepeatedFloat(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_BOOL: return PyBool_FromLong(r->GetRepeatedBool(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_ENUM: return PyLong_FromLong(r->GetRepeatedEnumValue(m, f, i));
    case gp::FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = r->GetRepeatedStringReference(m, f, i, &scratch);
      if (f->type() == gp::FieldDescriptor::TYPE_BYTES) {
        return PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
      }
      return Utf8(s);
    }
    case gp::FieldDescriptor::CPPTYPE_MESSAGE: {
      const gp::Message& sub = r->GetRepeatedMessage(m, f, i);
      if (IsDurationOrTimestamp(sub.GetDescriptor())) return SecondsToPy(sub);
      return MessageToDict(sub);
    }
  }
  PyErr_SetString(PyExc_SystemError, "unhandled protobuf field type");
  return nullptr;
}

PyObject* SingularToPy(const gp::Message& m, const gp::FieldDescriptor* f) {
  const gp::Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32: return PyLong_FromLong(r->GetInt32(m, f));
    case gp::FieldDescriptor::CPPTYPE_INT64: return PyLong_FromLongLong(r->GetInt64(m, f));
    case gp::FieldDescriptor::CPPTYPE_UINT32: return PyLong_FromUnsignedLong(r->GetUInt32(m, f));
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      return PyLong_FromUnsignedLongLong(r->GetUInt64(m, f));
    case gp::FieldDescriptor::CPPTYPE_DOUBLE: return PyFloat_FromDouble(r->GetDouble(m, f));
    case gp::FieldDescriptor::CPPTYPE_FLOAT: return PyFloat_FromDouble(r->GetFloat(m, f));
    case gp::FieldDescriptor::CPPTYPE_BOOL: return PyBool_FromLong(r->GetBool(m, f));
    case gp::FieldDescriptor::CPPTYPE_ENUM: return PyLong_FromLong(r->GetEnumValue(m, f));
    case gp::FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = r->GetStringReference(m, f, &scratch);
      if (f->type() == gp::FieldDescriptor::TYPE_BYTES) {
        return PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
      }
      return Utf8(s);
    }
    case gp::FieldDescriptor::CPPTYPE_MESSAGE: {
      const gp::Message& sub = r->GetMessage(m, f);
      if (IsDurationOrTimestamp(sub.GetDescriptor())) return SecondsToPy(sub);
      return MessageToDict(sub);
    }
  }
  PyErr_SetString(PyExc_SystemError, "unhandled protobuf field type");
  return nullptr;
}

// ---- Python -> protobuf ----------------------------------------------------

std::string TypeName(PyObject* o) { return Py_TYPE(o)->tp_name; }

// Where a value sits in the dict being converted ("invocation_response.
// result.status", "outputs[2]", "headers[x-a] key"): a chain of frames on the
// stack, written out only when there is an error to report.
struct Path {
  const Path* parent = nullptr;
  const char* name = nullptr;    // ".name" (or "name" at the top)
  int index = -1;                // "[index]"
  PyObject* key = nullptr;       // "[key]" (map entries; borrowed)
  const char* suffix = nullptr;  // " key"

  std::string str() const {
    std::string out = parent ? parent->str() : std::string();
    if (name != nullptr) {
      if (!out.empty()) out += ".";
      out += name;
    } else if (index >= 0) {
      out += "[" + std::to_string(index) + "]";
    } else if (key != nullptr) {
      Ref s(PyObject_Str(key));
      const char* c = s && PyUnicode_Check(s.get()) ? PyUnicode_AsUTF8(s.get()) : nullptr;
      if (c == nullptr) PyErr_Clear();
      out += "[" + std::string(c ? c : "?") + "]";
    }
    if (suffix != nullptr) out += suffix;
    return out;
  }
};

// Clears the pending Python error and returns it as text.
std::string TakePyError() {
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  std::string text = "unknown error";
  if (value != nullptr) {
    Ref s(PyObject_Str(value));
    if (s && PyUnicode_Check(s.get())) {
      const char* c = PyUnicode_AsUTF8(s.get());
      if (c != nullptr) text = c;
    }
  }
  PyErr_Clear();
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return text;
}

Status FillMessage(PyObject* dict, gp::Message* msg, const Path& at);

// A scalar value (any cpp type but message) for field f, either set (index < 0)
// or added to the repeated field.
Status SetScalar(PyObject* v, gp::Message* msg, const gp::FieldDescriptor* f, bool add,
                 const Path& at) {
  auto path = [&] { return at.str(); };
  const gp::Reflection* r = msg->GetReflection();
  auto bad = [&](const char* want) {
    return Status::Error(path() + ": expected " + want + ", got " + TypeName(v));
  };
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64: {
      if (!PyLong_Check(v)) return bad("int");
      bool is_unsigned = f->cpp_type() == gp::FieldDescriptor::CPPTYPE_UINT32 ||
                         f->cpp_type() == gp::FieldDescriptor::CPPTYPE_UINT64;
      long long sv = 0;
      unsigned long long uv = 0;
      if (is_unsigned) {
        uv = PyLong_AsUnsignedLongLong(v);
      } else {
        sv = PyLong_AsLongLong(v);
      }
      if (PyErr_Occurred()) return Status::Error(path() + ": " + TakePyError());
      switch (f->cpp_type()) {
        case gp::FieldDescriptor::CPPTYPE_INT32:
          if (sv < INT32_MIN || sv > INT32_MAX) return Status::Error(path() + ": out of int32 range");
          add ? r->AddInt32(msg, f, static_cast<int32_t>(sv))
              : r->SetInt32(msg, f, static_cast<int32_t>(sv));
          break;
        case gp::FieldDescriptor::CPPTYPE_INT64:
          add ? r->AddInt64(msg, f, sv) : r->SetInt64(msg, f, sv);
          break;
        case gp::FieldDescriptor::CPPTYPE_UINT32:
          if (uv > UINT32_MAX) return Status::Error(path() + ": out of uint32 range");
          add ? r->AddUInt32(msg, f, static_cast<uint32_t>(uv))
              : r->SetUInt32(msg, f, static_cast<uint32_t>(uv));
          break;
        default:
          add ? r->AddUInt64(msg, f, uv) : r->SetUInt64(msg, f, uv);
          break;
      }
      return Status::OK();
    }
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
    case gp::FieldDescriptor::CPPTYPE_FLOAT: {
      if (!PyFloat_Check(v) && !PyLong_Check(v)) return bad("float");
      double d = PyFloat_AsDouble(v);
      if (PyErr_Occurred()) return Status::Error(path() + ": " + TakePyError());
      if (f->cpp_type() == gp::FieldDescriptor::CPPTYPE_DOUBLE) {
        add ? r->AddDouble(msg, f, d) : r->SetDouble(msg, f, d);
      } else {
        add ? r->AddFloat(msg, f, static_cast<float>(d)) : r->SetFloat(msg, f, static_cast<float>(d));
      }
      return Status::OK();
    }
    case gp::FieldDescriptor::CPPTYPE_BOOL: {
      if (!PyBool_Check(v) && !PyLong_Check(v)) return bad("bool");
      bool b = PyObject_IsTrue(v) == 1;
      add ? r->AddBool(msg, f, b) : r->SetBool(msg, f, b);
      return Status::OK();
    }
    case gp::FieldDescriptor::CPPTYPE_ENUM: {
      int number = 0;
      if (PyLong_Check(v)) {
        number = static_cast<int>(PyLong_AsLong(v));
        if (PyErr_Occurred()) return Status::Error(path() + ": " + TakePyError());
      } else if (PyUnicode_Check(v)) {
        const char* name = PyUnicode_AsUTF8(v);
        if (name == nullptr) return Status::Error(path() + ": " + TakePyError());
        const gp::EnumValueDescriptor* ev = f->enum_type()->FindValueByName(name);
        if (ev == nullptr) {
          return Status::Error(path() + ": '" + name + "' is not a value of " +
                               f->enum_type()->full_name());
        }
        number = ev->number();
      } else {
        return bad("int or enum name");
      }
      add ? r->AddEnumValue(msg, f, number) : r->SetEnumValue(msg, f, number);
      return Status::OK();
    }
    case gp::FieldDescriptor::CPPTYPE_STRING: {
      std::string s;
      if (PyUnicode_Check(v)) {
        Py_ssize_t n = 0;
        const char* c = PyUnicode_AsUTF8AndSize(v, &n);
        if (c == nullptr) {
          // Lone surrogates (e.g. from surrogateescape) cannot be UTF-8: replace them.
          PyErr_Clear();
          Ref b(PyUnicode_AsEncodedString(v, "utf-8", "replace"));
          if (!b) return Status::Error(path() + ": " + TakePyError());
          s.assign(PyBytes_AS_STRING(b.get()), PyBytes_GET_SIZE(b.get()));
        } else {
          s.assign(c, n);
        }
      } else if (PyBytes_Check(v)) {
        s.assign(PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v));
      } else if (PyByteArray_Check(v)) {
        s.assign(PyByteArray_AS_STRING(v), PyByteArray_GET_SIZE(v));
      } else if (PyObject_CheckBuffer(v) && f->type() == gp::FieldDescriptor::TYPE_BYTES) {
        Py_buffer view;
        if (PyObject_GetBuffer(v, &view, PyBUF_CONTIG_RO) != 0) {
          return Status::Error(path() + ": " + TakePyError());
        }
        s.assign(static_cast<const char*>(view.buf), view.len);
        PyBuffer_Release(&view);
      } else {
        return bad(f->type() == gp::FieldDescriptor::TYPE_BYTES ? "bytes" : "str");
      }
      add ? r->AddString(msg, f, std::move(s)) : r->SetString(msg, f, std::move(s));
      return Status::OK();
    }
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Status::Error(path() + ": unhandled field type");
}

Status SetSeconds(PyObject* v, gp::Message* m, const Path& at) {
  auto path = [&] { return at.str(); };
  if (!PyFloat_Check(v) && !PyLong_Check(v)) {
    return Status::Error(path() + ": expected seconds as float, got " + TypeName(v));
  }
  double d = PyFloat_AsDouble(v);
  if (PyErr_Occurred()) return Status::Error(path() + ": " + TakePyError());
  double whole = std::floor(d);
  int64_t sec = static_cast<int64_t>(whole);
  int32_t nanos = static_cast<int32_t>(std::llround((d - whole) * 1e9));
  if (nanos >= 1000000000) { sec += 1; nanos -= 1000000000; }
  if (m->GetDescriptor()->full_name() == "google.protobuf.Duration" && sec < 0 && nanos > 0) {
    sec += 1;  // Duration: seconds and nanos carry the same sign.
    nanos -= 1000000000;
  }
  const gp::Descriptor* d2 = m->GetDescriptor();
  m->GetReflection()->SetInt64(m, d2->FindFieldByName("seconds"), sec);
  m->GetReflection()->SetInt32(m, d2->FindFieldByName("nanos"), nanos);
  return Status::OK();
}

Status SetMessageValue(PyObject* v, gp::Message* sub, const Path& at) {
  if (IsDurationOrTimestamp(sub->GetDescriptor())) return SetSeconds(v, sub, at);
  return FillMessage(v, sub, at);
}

Status SetField(PyObject* v, gp::Message* msg, const gp::FieldDescriptor* f,
                const Path& at) {
  auto path = [&] { return at.str(); };
  const gp::Reflection* r = msg->GetReflection();
  if (f->is_map()) {
    if (!PyDict_Check(v)) return Status::Error(path() + ": expected dict, got " + TypeName(v));
    const gp::FieldDescriptor* kf = f->message_type()->FindFieldByNumber(1);
    const gp::FieldDescriptor* vf = f->message_type()->FindFieldByNumber(2);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(v, &pos, &key, &value)) {
      if (value == Py_None) continue;
      Path item_path{&at};
      item_path.key = key;
      Path key_path = item_path;
      key_path.suffix = " key";
      gp::Message* entry = r->AddMessage(msg, f);
      Status s = SetScalar(key, entry, kf, false, key_path);
      if (!s.ok()) return s;
      if (vf->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE) {
        s = SetMessageValue(value, entry->GetReflection()->MutableMessage(entry, vf), item_path);
      } else {
        s = SetScalar(value, entry, vf, false, item_path);
      }
      if (!s.ok()) return s;
    }
    return Status::OK();
  }
  if (f->is_repeated()) {
    if (PyUnicode_Check(v) || PyBytes_Check(v) || PyDict_Check(v)) {
      return Status::Error(path() + ": expected a list, got " + TypeName(v));
    }
    Ref it(PyObject_GetIter(v));
    if (!it) {
      PyErr_Clear();
      return Status::Error(path() + ": expected a list, got " + TypeName(v));
    }
    int i = 0;
    while (true) {
      Ref item(PyIter_Next(it.get()));
      if (!item) break;
      Path item_path{&at};
      item_path.index = i++;
      Status s;
      if (f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE) {
        s = SetMessageValue(item.get(), r->AddMessage(msg, f), item_path);
      } else {
        s = SetScalar(item.get(), msg, f, true, item_path);
      }
      if (!s.ok()) return s;
    }
    if (PyErr_Occurred()) return Status::Error(path() + ": " + TakePyError());
    return Status::OK();
  }
  if (f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE) {
    return SetMessageValue(v, r->MutableMessage(msg, f), at);
  }
  return SetScalar(v, msg, f, false, at);
}

Status FillMessage(PyObject* dict, gp::Message* msg, const Path& at) {
  auto path = [&] { return at.str(); };
  if (!PyDict_Check(dict)) {
    std::string where = path();
    return Status::Error((where.empty() ? msg->GetDescriptor()->name() : where) +
                         ": expected dict, got " + TypeName(dict));
  }
  const gp::Descriptor* d = msg->GetDescriptor();
  const FieldTable* table = TableFor(d);
  if (table == nullptr) return Status::Error(path() + ": " + TakePyError());
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    if (!PyUnicode_Check(key)) {
      return Status::Error(path() + ": field names must be str, got " + TypeName(key));
    }
    Py_ssize_t len = 0;
    const char* name = PyUnicode_AsUTF8AndSize(key, &len);
    if (name == nullptr) return Status::Error(path() + ": " + TakePyError());
    Path field_path{&at};
    field_path.name = name;
    auto found = table->by_name.find(std::string_view(name, static_cast<size_t>(len)));
    if (found == table->by_name.end()) {
      return Status::Error(field_path.str() + ": " + d->full_name() + " has no field '" + name +
                           "'");
    }
    const gp::FieldDescriptor* f = found->second;
    if (value == Py_None) continue;
    Status s = SetField(value, msg, f, field_path);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

PyObject* MessageToDict(const gp::Message& msg) {
  const gp::Reflection* r = msg.GetReflection();
  const FieldTable* table = TableFor(msg.GetDescriptor());
  if (table == nullptr) return nullptr;
  Ref out(PyDict_New());
  if (!out) return nullptr;
  for (const FieldEntry& e : table->fields) {
    const gp::FieldDescriptor* f = e.field;
    Ref value;
    if (e.map_key != nullptr) {
      value.reset(PyDict_New());
      if (!value) return nullptr;
      const gp::FieldDescriptor* kf = e.map_key;
      const gp::FieldDescriptor* vf = e.map_value;
      int n = r->FieldSize(msg, f);
      for (int j = 0; j < n; ++j) {
        const gp::Message& entry = r->GetRepeatedMessage(msg, f, j);
        Ref k(SingularToPy(entry, kf));
        Ref v(SingularToPy(entry, vf));
        if (!k || !v) return nullptr;
        if (PyDict_SetItem(value.get(), k.get(), v.get()) != 0) return nullptr;
      }
    } else if (f->is_repeated()) {
      int n = r->FieldSize(msg, f);
      value.reset(PyList_New(n));
      if (!value) return nullptr;
      for (int j = 0; j < n; ++j) {
        PyObject* item = RepeatedElementToPy(msg, f, j);
        if (item == nullptr) return nullptr;
        PyList_SET_ITEM(value.get(), j, item);  // steals
      }
    } else {
      // Messages and oneof members (including proto3 `optional`) only when set.
      if (e.presence && !r->HasField(msg, f)) continue;
      value.reset(SingularToPy(msg, f));
      if (!value) return nullptr;
    }
    if (PyDict_SetItem(out.get(), e.key, value.get()) != 0) return nullptr;
  }
  return out.release();
}

Status DictToMessage(PyObject* dict, gp::Message* msg) {
  msg->Clear();
  Status s = FillMessage(dict, msg, Path{});
  if (PyErr_Occurred()) PyErr_Clear();
  return s;
}

}  // namespace pyfn
