// image-augment: n randomly transformed copies of every image of an images artifact
// (crop, rotate, flip, brightness/contrast, resize; OpenCV in data/image_augment.cc),
// byte-for-byte the same for the same seed.
#include "data/image_augment.h"
#include "data/images.h"
#include "operators/builtin/builtin.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "image-augment";
  def.category = "augment";
  def.description = "Adds n augmented copies of each image: random crop, rotation, flips, "
                    "brightness and contrast, optional resize; deterministic for a seed.";
  def.inputs = {{"images", {"images"}}};
  def.outputs = {{"images", {"images"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "copies": {"type": "integer", "minimum": 1, "maximum": 100, "default": 4,
                 "description": "Augmented copies per image."},
      "seed": {"type": "integer", "minimum": 0, "default": 0,
               "description": "Random seed; the same seed gives the same images."},
      "include_originals": {"type": "boolean", "default": true,
                            "description": "Also output the original images (resized when width and height are set)."},
      "width": {"type": "integer", "minimum": 0, "maximum": 8192, "default": 0,
                "description": "Output width in pixels; 0 keeps each image's size (needs height too)."},
      "height": {"type": "integer", "minimum": 0, "maximum": 8192, "default": 0,
                 "description": "Output height in pixels; 0 keeps each image's size (needs width too)."},
      "horizontal_flip": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                          "description": "Probability of a left-right flip."},
      "vertical_flip": {"type": "number", "minimum": 0, "maximum": 1, "default": 0,
                        "description": "Probability of an up-down flip."},
      "max_rotation": {"type": "number", "minimum": 0, "maximum": 180, "default": 15,
                       "description": "Largest rotation in degrees, either way."},
      "min_crop": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.9,
                   "description": "Smallest share of each side a random crop keeps; 1 disables cropping."},
      "max_brightness": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.1,
                         "description": "Largest brightness shift, as a share of full scale."},
      "max_contrast": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.1,
                       "description": "Largest relative contrast change."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(InputArtifact in, ctx.Input("images"));
  auto images = data::ReadImageArchive(in.path);
  if (!images.ok()) return InvalidArgument("inputs.images: " + images.status().message());
  data::AugmentOptions o;
  o.copies = p["copies"].get<size_t>();
  o.seed = p["seed"].get<uint64_t>();
  o.include_originals = p["include_originals"].get<bool>();
  o.width = p["width"].get<int>();
  o.height = p["height"].get<int>();
  if ((o.width == 0) != (o.height == 0)) {
    return InvalidArgument("params.width: set width and height together (or neither)");
  }
  o.horizontal_flip = p["horizontal_flip"].get<double>();
  o.vertical_flip = p["vertical_flip"].get<double>();
  o.max_rotation = p["max_rotation"].get<double>();
  o.min_crop = p["min_crop"].get<double>();
  o.max_brightness = p["max_brightness"].get<double>();
  o.max_contrast = p["max_contrast"].get<double>();
  ctx.Progress(0.1, "augmenting " + std::to_string(images->size()) + " images x " +
                        std::to_string(o.copies));
  auto out = data::AugmentImages(*images, o);
  if (!out.ok()) return InvalidArgument("inputs.images: " + out.status().message());
  Json meta = data::ImageArchiveMeta(*out);
  ctx.outputs().metrics = {{"images_in", images->size()}, {"images_out", out->size()}};
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("images", "images.tar", std::move(meta)));
  return data::WriteImageArchive(std::move(out).value(), path);
}

}  // namespace

BuiltinOperator ImageAugmentOperator() { return {Definition, Run, "image-augment/1"}; }

}  // namespace tandem::operators::builtin
