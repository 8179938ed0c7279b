// Large weights written beside LLVM's object code; see WeightSection.h.
#include "codegen/emit/WeightSection.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace mlir;

namespace kiln {

namespace {

/// Bytes of one element of an LLVM array global's element type when it is a
/// whole number of bytes (the layout a resource blob holds), else 0.
uint64_t elementBytes(Type type) {
  unsigned bits = 0;
  if (auto i = dyn_cast<IntegerType>(type))
    bits = i.getWidth();
  else if (auto f = dyn_cast<FloatType>(type))
    bits = f.getWidth();
  return bits % 8 == 0 ? bits / 8 : 0;
}

} // namespace

llvm::SmallVector<DetachedWeight> detachLargeWeights(ModuleOp module,
                                                     llvm::StringRef symbolPrefix,
                                                     uint64_t threshold) {
  llvm::SmallVector<DetachedWeight> weights;
  SymbolTable symbols(module);
  MLIRContext *ctx = module.getContext();
  for (auto global :
       llvm::make_early_inc_range(module.getOps<LLVM::GlobalOp>())) {
    if (!global.getConstant())
      continue;
    auto value =
        dyn_cast_or_null<DenseResourceElementsAttr>(global.getValueOrNull());
    auto type = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
    if (!value || !type)
      continue;
    AsmResourceBlob *blob = value.getRawHandle().getBlob();
    uint64_t elem = elementBytes(type.getElementType());
    if (!blob || elem == 0 ||
        blob->getData().size() != type.getNumElements() * elem ||
        blob->getData().size() <= threshold)
      continue;
    std::string name =
        (symbolPrefix + "_kiln_w" + llvm::Twine(weights.size())).str();
    if (failed(symbols.rename(global, StringAttr::get(ctx, name))))
      continue;
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
    global.setVisibility_(LLVM::Visibility::Hidden);
    global.setDsoLocal(true);
    global.setUnnamedAddr(LLVM::UnnamedAddr::None);
    // Large data in the medium code model: addressed with 64-bit offsets,
    // so the weights may exceed 2 GB.
    global.setSectionAttr(StringAttr::get(ctx, ".lrodata"));
    weights.push_back({name, blob->getData(),
                       std::max<uint64_t>(1, global.getAlignment().value_or(1)),
                       value.getRawHandle()});
  }
  return weights;
}

WeightLayout writeWeightsFirst(llvm::ArrayRef<DetachedWeight> weights,
                               llvm::raw_pwrite_stream &os) {
  using Ehdr = llvm::object::ELF64LE::Ehdr;
  WeightLayout layout;
  layout.start = os.tell();
  for (const DetachedWeight &w : weights)
    layout.alignment = std::max(layout.alignment, w.alignment);
  layout.sectionAt = llvm::alignTo(sizeof(Ehdr), layout.alignment);
  os.write_zeros(layout.sectionAt);
  for (const DetachedWeight &w : weights) {
    uint64_t at = llvm::alignTo(layout.size, w.alignment);
    os.write_zeros(at - layout.size);
    os.write(w.bytes.data(), w.bytes.size());
    layout.symbols.push_back(w.symbol);
    layout.offsets.push_back(at);
    layout.sizes.push_back(w.bytes.size());
    layout.size = at + w.bytes.size();
  }
  return layout;
}

llvm::Error writeObjectAfterWeights(llvm::MutableArrayRef<char> buffer,
                                    const WeightLayout &layout,
                                    llvm::raw_pwrite_stream &os) {
  llvm::StringRef object(buffer.data(), buffer.size());
  using ELFT = llvm::object::ELF64LE;
  using Shdr = ELFT::Shdr;
  using Sym = ELFT::Sym;
  using Ehdr = ELFT::Ehdr;
  auto fail = [](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "object with weights: " + why);
  };
  if (os.tell() != layout.start + layout.sectionAt + layout.size)
    return fail("the output moved since the weights were written");
  llvm::Expected<llvm::object::ELF64LEFile> file =
      llvm::object::ELF64LEFile::create(object);
  if (!file)
    return file.takeError();
  const Ehdr &ehdr = file->getHeader();
  if (ehdr.e_type != llvm::ELF::ET_REL || ehdr.e_machine != llvm::ELF::EM_X86_64)
    return fail("not an x86-64 relocatable object");
  auto sections = file->sections();
  if (!sections)
    return sections.takeError();
  uint64_t sectionCount = sections->size();
  if (ehdr.e_shstrndx == llvm::ELF::SHN_XINDEX || ehdr.e_shstrndx == 0 ||
      ehdr.e_shstrndx >= sectionCount ||
      sectionCount + 1 >= llvm::ELF::SHN_LORESERVE)
    return fail("section numbering needs extended indices");
  const Shdr *symtab = nullptr;
  uint64_t objectAlign = 8;
  for (const Shdr &s : *sections) {
    if (s.sh_type == llvm::ELF::SHT_SYMTAB)
      symtab = &s;
    if (s.sh_addralign > 0 && llvm::isPowerOf2_64(s.sh_addralign))
      objectAlign = std::max<uint64_t>(objectAlign, s.sh_addralign);
  }
  if (!symtab)
    return fail("no symbol table");
  auto strtab = file->getStringTableForSymtab(*symtab);
  if (!strtab)
    return strtab.takeError();
  auto syms = file->symbols(symtab);
  if (!syms)
    return syms.takeError();
  const Shdr &oldNames = (*sections)[ehdr.e_shstrndx];
  if (oldNames.sh_offset + oldNames.sh_size > object.size())
    return fail("section name table out of bounds");

  // The weight symbols the code refers to: defined in the new section. Every
  // check comes before the buffer is patched.
  llvm::StringMap<size_t> byName;
  for (auto [i, symbol] : llvm::enumerate(layout.symbols))
    byName[symbol] = i;
  llvm::SmallVector<std::pair<uint64_t, size_t>> defines; // symbol, weight
  for (auto [i, sym] : llvm::enumerate(*syms)) {
    auto name = sym.getName(*strtab);
    if (!name)
      return name.takeError();
    auto it = byName.find(*name);
    if (it == byName.end())
      continue;
    if (sym.st_shndx != llvm::ELF::SHN_UNDEF)
      return fail("weight symbol '" + *name + "' is already defined");
    defines.push_back({i, it->second});
  }
  char *out = buffer.data();
  const uint16_t newIndex = sectionCount;
  for (auto [symbol, weight] : defines) {
    uint64_t at = symtab->sh_offset + symbol * sizeof(Sym);
    Sym sym;
    std::memcpy(&sym, out + at, sizeof(Sym));
    sym.st_shndx = newIndex;
    sym.st_value = layout.offsets[weight];
    sym.st_size = layout.sizes[weight];
    sym.setBindingAndType(llvm::ELF::STB_GLOBAL, llvm::ELF::STT_OBJECT);
    sym.st_other = llvm::ELF::STV_HIDDEN;
    std::memcpy(out + at, &sym, sizeof(Sym));
  }

  // Layout (from `start`): room for the header, the weights, the object as
  // LLVM wrote it (its section header table stays behind, unreferenced), the section-name table grown by one name, then the
  // section header table: LLVM's sections moved by where the object went,
  // and the weight section last.
  const uint64_t objectAt =
      llvm::alignTo(layout.sectionAt + layout.size, objectAlign);
  const uint64_t namesAt = objectAt + object.size();
  std::string names =
      object.substr(oldNames.sh_offset, oldNames.sh_size).str();
  const uint32_t newName = names.size();
  names += kWeightSectionName;
  names.push_back('\0');
  const uint64_t headersAt = llvm::alignTo(namesAt + names.size(), 8);

  llvm::SmallVector<Shdr> headers(sections->begin(), sections->end());
  for (Shdr &h : llvm::drop_begin(headers))
    h.sh_offset += objectAt;
  headers[ehdr.e_shstrndx].sh_offset = namesAt;
  headers[ehdr.e_shstrndx].sh_size = names.size();
  Shdr weightSection;
  std::memset(&weightSection, 0, sizeof(Shdr));
  weightSection.sh_name = newName;
  weightSection.sh_type = llvm::ELF::SHT_PROGBITS;
  weightSection.sh_flags = llvm::ELF::SHF_ALLOC | llvm::ELF::SHF_X86_64_LARGE;
  weightSection.sh_offset = layout.sectionAt;
  weightSection.sh_size = layout.size;
  weightSection.sh_addralign = layout.alignment;
  headers.push_back(weightSection);

  Ehdr header;
  std::memcpy(&header, out, sizeof(Ehdr));
  header.e_shoff = headersAt;
  header.e_shnum = headers.size();
  // The object's own header goes out blank: one ELF header per file (tools
  // that look for an embedded image, such as a cubin, find only that).
  std::memset(out, 0, sizeof(Ehdr));

  os.write_zeros(objectAt - layout.sectionAt - layout.size);
  os << object << names;
  os.write_zeros(headersAt - namesAt - names.size());
  os.write(reinterpret_cast<const char *>(headers.data()),
           headers.size() * sizeof(Shdr));
  os.pwrite(reinterpret_cast<const char *>(&header), sizeof(Ehdr),
            layout.start);
  return llvm::Error::success();
}

} // namespace kiln
