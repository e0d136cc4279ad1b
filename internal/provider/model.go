package provider

import (
	"context"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// getModel fills the model target points to from data, as data's Get method does. Set with
// setModel, the models of most resources are flat: one attr.Value field per attribute. Those are
// converted here field by field, through a layout worked out once per model type; the
// framework's reflection, which the others still take, checks each field name against a
// regular expression it compiles anew for every field of every call, a tenth of the provider's
// CPU time in a plan of many resources.
func getModel[D tfsdk.State | tfsdk.Plan | tfsdk.Config](ctx context.Context, data D, target any) diag.Diagnostics {
	d := tfsdk.State(data)
	if diags, done := readFlatModel(ctx, d, target); done {
		return diags
	}
	return d.Get(ctx, target)
}

// setModel writes model, a model struct, to data, as data's Set method does; see getModel.
func setModel[D *tfsdk.State | *tfsdk.Plan](ctx context.Context, data D, model any) diag.Diagnostics {
	d := (*tfsdk.State)(data)
	v, diags, done := flatModelValue(ctx, *d, model)
	if !done {
		return d.Set(ctx, model)
	}
	if !diags.HasError() {
		diags.Append(d.Set(ctx, v)...)
	}
	return diags
}

// modelLayout is where each attribute of a flat model lives.
type modelLayout struct {
	fields []modelField
}

type modelField struct {
	index int
	name  string
	typ   reflect.Type
}

var (
	attrValueType = reflect.TypeFor[attr.Value]()
	modelLayouts  sync.Map // reflect.Type of a model struct → *modelLayout, nil when not flat
)

// layoutOf answers the layout of model struct type t, or nil when t is not flat: when a field
// is not an attr.Value tagged with its attribute's name.
func layoutOf(t reflect.Type) *modelLayout {
	if cached, ok := modelLayouts.Load(t); ok {
		return cached.(*modelLayout)
	}
	layout := &modelLayout{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, tagged := f.Tag.Lookup("tfsdk")
		if name == "-" {
			continue
		}
		if !tagged || name == "" || f.Anonymous || !f.IsExported() || !f.Type.Implements(attrValueType) {
			layout = nil
			break
		}
		layout.fields = append(layout.fields, modelField{index: i, name: name, typ: f.Type})
	}
	modelLayouts.Store(t, layout)
	return layout
}

// readFlatModel fills target from d when target points to a flat model whose fields match d's
// attributes and d's value is a known object; done reports whether it did, and diags what the
// values' own checks found, as the framework reports them. When it did not, the framework's Get
// handles target, and reports the mistakes it finds in the terms users know.
func readFlatModel(ctx context.Context, d tfsdk.State, target any) (diags diag.Diagnostics, done bool) {
	ptr := reflect.ValueOf(target)
	if ptr.Kind() != reflect.Pointer || ptr.IsNil() || ptr.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	layout := layoutOf(ptr.Elem().Type())
	if layout == nil || d.Schema == nil || d.Raw.IsNull() || !d.Raw.IsKnown() {
		return nil, false
	}
	objectType, ok := d.Schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		return nil, false
	}
	types := objectType.AttributeTypes()
	var values map[string]tftypes.Value
	if err := d.Raw.As(&values); err != nil || len(values) != len(layout.fields) || len(types) != len(layout.fields) {
		return nil, false
	}
	decoded := make([]reflect.Value, len(layout.fields))
	for i, f := range layout.fields {
		raw, found := values[f.name]
		typ, declared := types[f.name]
		if !found || !declared {
			return nil, false
		}
		v, err := typ.ValueFromTerraform(ctx, raw)
		if err != nil {
			return nil, false
		}
		decoded[i] = reflect.ValueOf(v)
		if decoded[i].Type() != f.typ {
			return nil, false
		}
		diags.Append(selfCheck(ctx, typ, v, raw, path.Root(f.name))...)
	}
	if diags.HasError() {
		return diags, true
	}
	model := ptr.Elem()
	for i, f := range layout.fields {
		model.Field(f.index).Set(decoded[i])
	}
	return diags, true
}

// selfCheck runs the checks a value or its type makes of itself (custom types such as JSON
// strings have them), as the framework's conversions do, at p.
func selfCheck(ctx context.Context, typ attr.Type, v attr.Value, raw tftypes.Value, p path.Path) diag.Diagnostics {
	if validateable, ok := v.(xattr.ValidateableAttribute); ok {
		var resp xattr.ValidateAttributeResponse
		validateable.ValidateAttribute(ctx, xattr.ValidateAttributeRequest{Path: p}, &resp)
		return resp.Diagnostics
	}
	//nolint:staticcheck // the framework still runs this deprecated check, the collection types' included
	if withValidate, ok := typ.(xattr.TypeWithValidate); ok {
		return withValidate.Validate(ctx, raw, p)
	}
	return nil
}

// flatModelValue converts model, a flat model struct or a pointer to one, to a value of d's
// schema, with what the values' own checks found; done is false when model is not flat or does
// not fit the schema, which leaves the framework's Set to convert it or to say what does not fit.
func flatModelValue(ctx context.Context, d tfsdk.State, model any) (v tftypes.Value, diags diag.Diagnostics, done bool) {
	rv := reflect.ValueOf(model)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return tftypes.Value{}, nil, false
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct || d.Schema == nil {
		return tftypes.Value{}, nil, false
	}
	layout := layoutOf(rv.Type())
	if layout == nil {
		return tftypes.Value{}, nil, false
	}
	objectType, ok := d.Schema.Type().(attr.TypeWithAttributeTypes)
	if !ok {
		return tftypes.Value{}, nil, false
	}
	types := objectType.AttributeTypes()
	if len(types) != len(layout.fields) {
		return tftypes.Value{}, nil, false
	}
	values := make(map[string]tftypes.Value, len(layout.fields))
	for _, f := range layout.fields {
		value, isValue := rv.Field(f.index).Interface().(attr.Value)
		typ, declared := types[f.name]
		// The framework refuses a value whose type is not the attribute's.
		if !isValue || !declared || !value.Type(ctx).TerraformType(ctx).Equal(typ.TerraformType(ctx)) {
			return tftypes.Value{}, nil, false
		}
		raw, err := value.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, nil, false
		}
		diags.Append(selfCheck(ctx, typ, value, raw, path.Root(f.name))...)
		values[f.name] = raw
	}
	tfType := objectType.TerraformType(ctx)
	if err := tftypes.ValidateValue(tfType, values); err != nil {
		return tftypes.Value{}, nil, false
	}
	return tftypes.NewValue(tfType, values), diags, true
}
