// The only file that includes libtorch (see torchscript_backend.h).
#include "serving/torchscript_backend.h"

#include <ATen/Parallel.h>
#include <torch/script.h>

#include "serving/signature.h"

namespace tandem::serving {
namespace {

// The first line of a libtorch error: the rest is a TorchScript stack trace.
std::string FirstLine(const std::string& text) {
  auto nl = text.find('\n');
  return nl == std::string::npos ? text : text.substr(0, nl);
}

c10::ScalarType TorchType(DataType type) {
  switch (type) {
    case DataType::kFp64: return torch::kFloat64;
    case DataType::kInt32: return torch::kInt32;
    case DataType::kInt64: return torch::kInt64;
    case DataType::kBool: return torch::kBool;
    default: return torch::kFloat32;
  }
}

template <typename T>
void Fill(torch::Tensor& dst, const std::vector<double>& values) {
  T* out = dst.data_ptr<T>();
  for (size_t i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values[i]);
}

torch::Tensor ToTorch(const Tensor& t) {
  torch::Tensor out = torch::empty(t.shape, torch::TensorOptions().dtype(TorchType(t.datatype)));
  switch (t.datatype) {
    case DataType::kFp64: Fill<double>(out, t.numbers); break;
    case DataType::kInt32: Fill<int32_t>(out, t.numbers); break;
    case DataType::kInt64: Fill<int64_t>(out, t.numbers); break;
    case DataType::kBool: Fill<bool>(out, t.numbers); break;
    default: Fill<float>(out, t.numbers); break;
  }
  return out;
}

template <typename T>
void Drain(const torch::Tensor& src, std::vector<double>* values) {
  const T* in = src.data_ptr<T>();
  values->assign(in, in + src.numel());
}

Result<Tensor> FromTorch(std::string name, const at::Tensor& value) {
  torch::Tensor t = value.detach().to(torch::kCPU).contiguous();
  Tensor out{std::move(name), DataType::kFp32, t.sizes().vec(), {}, {}};
  switch (t.scalar_type()) {
    case torch::kFloat64: out.datatype = DataType::kFp64; Drain<double>(t, &out.numbers); break;
    case torch::kInt64: out.datatype = DataType::kInt64; Drain<int64_t>(t, &out.numbers); break;
    case torch::kInt32: out.datatype = DataType::kInt32; Drain<int32_t>(t, &out.numbers); break;
    case torch::kBool: out.datatype = DataType::kBool; Drain<bool>(t, &out.numbers); break;
    case torch::kFloat32: Drain<float>(t, &out.numbers); break;
    default:
      if (t.is_floating_point() || t.is_complex()) {
        Drain<float>(t.to(torch::kFloat32), &out.numbers);
      } else {
        out.datatype = DataType::kInt32;
        Drain<int32_t>(t.to(torch::kInt32), &out.numbers);
      }
  }
  return out;
}

class TorchScriptBackend : public Backend {
 public:
  TorchScriptBackend(torch::jit::Module module, std::vector<TensorSpec> inputs,
                     std::vector<TensorSpec> outputs)
      : module_(std::move(module)), inputs_(std::move(inputs)), outputs_(std::move(outputs)) {}

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    for (const Tensor& t : inputs) {
      if (t.datatype == DataType::kBytes) {
        return InvalidArgument("input '" + t.name + "': datatype BYTES is not supported by "
                               "TorchScript models (expected FP32, FP64, INT32, INT64 or BOOL)");
      }
    }
    ASSIGN_OR_RETURN(std::vector<const Tensor*> ordered, MatchInputs(inputs_, inputs));
    std::vector<c10::IValue> args;
    for (const Tensor* t : ordered) args.emplace_back(ToTorch(*t));
    return Run(std::move(args));
  }

  Json Metadata() const override {
    Json in = Json::array(), out = Json::array();
    for (const auto& s : inputs_) in.push_back(s.ToJson());
    for (const auto& s : outputs_) out.push_back(s.ToJson());
    return {{"platform", "torchscript"}, {"inputs", in}, {"outputs", out}};
  }

  // Runs forward and names its results. Public for the load-time probe.
  Result<std::vector<Tensor>> Run(std::vector<c10::IValue> args) {
    c10::IValue result;
    try {
      c10::InferenceMode inference;
      result = module_.forward(std::move(args));
    } catch (const c10::Error& e) {
      return InvalidArgument("the model refused the inputs: " +
                             FirstLine(e.what_without_backtrace()));
    } catch (const std::exception& e) {
      return InvalidArgument("the model refused the inputs: " + FirstLine(e.what()));
    }
    return Name(result);
  }

  void set_outputs(std::vector<TensorSpec> outputs) { outputs_ = std::move(outputs); }
  const std::vector<TensorSpec>& outputs() const { return outputs_; }

 private:
  std::string OutputName(size_t i) const {
    return i < outputs_.size() ? outputs_[i].name : "output_" + std::to_string(i);
  }

  Result<std::vector<Tensor>> Name(const c10::IValue& result) const {
    std::vector<Tensor> out;
    auto add = [&](std::string name, const c10::IValue& v) -> Status {
      if (!v.isTensor()) {
        return Internal("model output '" + name + "' is a " + v.tagKind() +
                        ", not a tensor");
      }
      ASSIGN_OR_RETURN(Tensor t, FromTorch(std::move(name), v.toTensor()));
      out.push_back(std::move(t));
      return Status::Ok();
    };
    if (result.isTensor()) {
      RETURN_IF_ERROR(add(OutputName(0), result));
    } else if (result.isTuple() || result.isList()) {
      std::vector<c10::IValue> items = result.isTuple()
                                           ? result.toTupleRef().elements().vec()
                                           : result.toListRef().vec();
      for (size_t i = 0; i < items.size(); ++i) RETURN_IF_ERROR(add(OutputName(i), items[i]));
    } else if (result.isGenericDict()) {
      for (const auto& entry : result.toGenericDict()) {
        if (!entry.key().isString()) return Internal("model output dict has a non-string key");
        RETURN_IF_ERROR(add(entry.key().toStringRef(), entry.value()));
      }
    } else {
      return Internal(std::string("the model returned a ") + result.tagKind() +
                      " (expected a tensor, a tuple, a list or a dict of tensors)");
    }
    return out;
  }

  torch::jit::Module module_;  // forward is safe to call from several threads
  std::vector<TensorSpec> inputs_;
  std::vector<TensorSpec> outputs_;
};

// forward's argument names (after self), when the meta gives no inputs.
std::vector<TensorSpec> SpecsFromSchema(torch::jit::Module& module) {
  std::vector<TensorSpec> specs;
  const auto& args = module.get_method("forward").function().getSchema().arguments();
  for (size_t i = 1; i < args.size(); ++i) specs.push_back({args[i].name(), std::nullopt, std::nullopt});
  return specs;
}

}  // namespace

Result<std::unique_ptr<Backend>> LoadTorchScriptBackend(const std::string& model_path,
                                                        const Json& meta, int threads) {
  if (threads > 0) at::set_num_threads(threads);
  torch::jit::Module module;
  try {
    module = torch::jit::load(model_path, torch::kCPU);
    module.eval();
  } catch (const std::exception& e) {
    return Internal("cannot load the TorchScript model '" + model_path +
                    "': " + FirstLine(e.what()));
  }
  const Json* signature = nullptr;
  if (auto it = meta.find("signature"); it != meta.end() && it->is_object()) signature = &*it;
  auto field = [&](const char* key) -> const Json* {
    if (!signature) return nullptr;
    auto it = signature->find(key);
    return it == signature->end() ? nullptr : &*it;
  };
  ASSIGN_OR_RETURN(auto inputs, SpecsFromJson(field("inputs"), "meta.signature.inputs"));
  ASSIGN_OR_RETURN(auto outputs, SpecsFromJson(field("outputs"), "meta.signature.outputs"));
  if (inputs.empty()) inputs = SpecsFromSchema(module);
  auto backend = std::make_unique<TorchScriptBackend>(std::move(module), inputs, outputs);

  // Probe with one zero row when every input shape is known (-1 dims become 1).
  std::vector<c10::IValue> probe;
  for (const auto& spec : inputs) {
    if (!spec.shape) return std::unique_ptr<Backend>(std::move(backend));
    std::vector<int64_t> shape = *spec.shape;
    for (int64_t& d : shape) d = d < 0 ? 1 : d;
    probe.emplace_back(torch::zeros(shape, torch::TensorOptions().dtype(
                                               TorchType(spec.datatype.value_or(DataType::kFp32)))));
  }
  auto probed = backend->Run(std::move(probe));
  if (!probed.ok()) {
    return InvalidArgument("the TorchScript model '" + model_path +
                           "' cannot take meta.signature.inputs: " + probed.status().message());
  }
  std::vector<TensorSpec> learned;
  for (size_t i = 0; i < probed->size(); ++i) {
    const Tensor& t = (*probed)[i];
    TensorSpec spec{t.name, t.datatype, t.shape};
    if (!spec.shape->empty()) (*spec.shape)[0] = -1;
    if (i < outputs.size() && outputs[i].shape) spec.shape = outputs[i].shape;
    learned.push_back(std::move(spec));
  }
  backend->set_outputs(std::move(learned));
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace tandem::serving
