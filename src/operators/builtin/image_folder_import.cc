// image-folder-import: a folder of images on the server's disk, one sub-folder per class
// (<path>/<class>/<image>), as an images artifact (data/images.h: one tar file holding
// manifest.csv and images/<class>/<file>).
#include "data/images.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/import_path.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "image-folder-import";
  def.category = "import";
  def.description = "Reads a folder with one sub-folder of images per class as an images artifact.";
  def.outputs = {{"images", {"images"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "required": ["path"],
    "properties": {
      "path": {"type": "string", "minLength": 1,
               "description": "Folder on the server, inside its import folder, holding <class>/<image> files (png, jpg, bmp, pgm, ppm, tif, webp)."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(const std::string path, ResolveImportPath(ctx.params()["path"].get<std::string>(),
                                                             "params.path", "image-folder-import"));
  ctx.Progress(0.1, "reading " + path);
  auto images = data::ReadImageFolder(path);
  if (!images.ok()) return InvalidArgument("params.path: " + images.status().message());
  Json meta = data::ImageArchiveMeta(*images);
  ctx.outputs().metrics = {{"images", meta["images"]}, {"classes", meta["classes"].size()}};
  ctx.Progress(0.7, "writing " + std::to_string(images->size()) + " images");
  ASSIGN_OR_RETURN(std::string out, ctx.AddOutput("images", "images.tar", std::move(meta)));
  return data::WriteImageArchive(std::move(images).value(), out);
}

}  // namespace

BuiltinOperator ImageFolderImportOperator() { return {Definition, Run, "image-folder-import/1"}; }

}  // namespace tandem::operators::builtin
