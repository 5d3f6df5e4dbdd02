#include "host/triggers/blocking_binding.h"

namespace pyfn {

void BlockingBinding::ReadInput(const BindingContext& ctx,
                                std::function<void(Status, rpc::TypedData)> done) {
  BindingContext c = ctx;  // its pointers live until done is called
  runtime_->Post([this, c, done = std::move(done)] {
    rpc::TypedData data;
    Status s = Read(c, &data);
    done(std::move(s), std::move(data));
  });
}

void BlockingBinding::WriteOutput(const BindingContext& ctx, const rpc::TypedData& value,
                                  std::function<void(Status)> done) {
  BindingContext c = ctx;
  rpc::TypedData v = value;
  runtime_->Post([this, c, v = std::move(v), done = std::move(done)] { done(Write(c, v)); });
}

Status BlockingBinding::Read(const BindingContext& ctx, rpc::TypedData*) {
  return Status::InvalidArgument("binding '" + ctx.binding->name + "': a " + ctx.binding->type +
                                 " binding can only be an output (direction \"out\")" +
                                 (input_hint_.empty() ? "" : "; " + input_hint_));
}

}  // namespace pyfn
