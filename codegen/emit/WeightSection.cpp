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
                       std::max<uint64_t>(1, global.getAlignment().value_or(1))});
  }
  return weights;
}

llvm::Error writeObjectWithWeights(llvm::MutableArrayRef<char> buffer,
                                   llvm::ArrayRef<DetachedWeight> weights,
                                   llvm::raw_ostream &os) {
  llvm::StringRef object(buffer.data(), buffer.size());
  using ELFT = llvm::object::ELF64LE;
  using Shdr = ELFT::Shdr;
  using Sym = ELFT::Sym;
  using Ehdr = ELFT::Ehdr;
  auto fail = [](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "object with weights: " + why);
  };
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
  for (const Shdr &s : *sections)
    if (s.sh_type == llvm::ELF::SHT_SYMTAB)
      symtab = &s;
  if (!symtab)
    return fail("no symbol table");
  auto strtab = file->getStringTableForSymtab(*symtab);
  if (!strtab)
    return strtab.takeError();
  auto syms = file->symbols(symtab);
  if (!syms)
    return syms.takeError();

  llvm::StringMap<size_t> byName;
  for (auto [i, w] : llvm::enumerate(weights))
    byName[w.symbol] = i;

  // Where each referenced weight goes inside the new section.
  char *out = buffer.data();
  const uint16_t newIndex = sectionCount;
  constexpr uint64_t kUnplaced = ~uint64_t(0);
  llvm::SmallVector<uint64_t> offsets(weights.size(), kUnplaced);
  llvm::SmallVector<size_t> symbolOf(weights.size());
  for (auto [i, sym] : llvm::enumerate(*syms)) {
    auto name = sym.getName(*strtab);
    if (!name)
      return name.takeError();
    auto it = byName.find(*name);
    if (it == byName.end())
      continue;
    if (sym.st_shndx != llvm::ELF::SHN_UNDEF)
      return fail("weight symbol '" + *name + "' is already defined");
    offsets[it->second] = 0;
    symbolOf[it->second] = i;
  }
  uint64_t sectionAlign = 1, size = 0;
  for (auto [i, w] : llvm::enumerate(weights)) {
    if (offsets[i] == kUnplaced)
      continue;
    sectionAlign = std::max(sectionAlign, w.alignment);
    size = llvm::alignTo(size, w.alignment);
    offsets[i] = size;
    size += w.bytes.size();
  }
  // Everything is checked before the buffer is patched.
  const Shdr &oldNames = (*sections)[ehdr.e_shstrndx];
  if (oldNames.sh_offset + oldNames.sh_size > object.size())
    return fail("section name table out of bounds");
  for (auto [i, w] : llvm::enumerate(weights)) {
    if (offsets[i] == kUnplaced)
      continue;
    uint64_t at = symtab->sh_offset + symbolOf[i] * sizeof(Sym);
    Sym sym;
    std::memcpy(&sym, out + at, sizeof(Sym));
    sym.st_shndx = newIndex;
    sym.st_value = offsets[i];
    sym.st_size = w.bytes.size();
    sym.setBindingAndType(llvm::ELF::STB_GLOBAL, llvm::ELF::STT_OBJECT);
    sym.st_other = llvm::ELF::STV_HIDDEN;
    std::memcpy(out + at, &sym, sizeof(Sym));
  }

  // Layout: the object as LLVM wrote it (its old section header table stays
  // behind, unreferenced), the weights, the section-name table grown by one
  // name, then the section header table with the new section last.
  const uint64_t dataAt = llvm::alignTo(object.size(), sectionAlign);
  const uint64_t namesAt = dataAt + size;
  std::string names =
      object.substr(oldNames.sh_offset, oldNames.sh_size).str();
  const uint32_t newName = names.size();
  names += kWeightSectionName;
  names.push_back('\0');
  const uint64_t headersAt = llvm::alignTo(namesAt + names.size(), 8);

  llvm::SmallVector<Shdr> headers(sections->begin(), sections->end());
  headers[ehdr.e_shstrndx].sh_offset = namesAt;
  headers[ehdr.e_shstrndx].sh_size = names.size();
  Shdr weightSection;
  std::memset(&weightSection, 0, sizeof(Shdr));
  weightSection.sh_name = newName;
  weightSection.sh_type = llvm::ELF::SHT_PROGBITS;
  weightSection.sh_flags = llvm::ELF::SHF_ALLOC | llvm::ELF::SHF_X86_64_LARGE;
  weightSection.sh_offset = dataAt;
  weightSection.sh_size = size;
  weightSection.sh_addralign = sectionAlign;
  headers.push_back(weightSection);

  Ehdr header;
  std::memcpy(&header, out, sizeof(Ehdr));
  header.e_shoff = headersAt;
  header.e_shnum = headers.size();
  std::memcpy(out, &header, sizeof(Ehdr));

  auto pad = [&](uint64_t from, uint64_t to) {
    os.write_zeros(to - from);
  };
  os << object;
  pad(object.size(), dataAt);
  uint64_t at = 0;
  for (auto [i, w] : llvm::enumerate(weights)) {
    if (offsets[i] == kUnplaced)
      continue;
    pad(at, offsets[i]);
    os.write(w.bytes.data(), w.bytes.size());
    at = offsets[i] + w.bytes.size();
  }
  os << names;
  pad(namesAt + names.size(), headersAt);
  os.write(reinterpret_cast<const char *>(headers.data()),
           headers.size() * sizeof(Shdr));
  return llvm::Error::success();
}

} // namespace kiln
