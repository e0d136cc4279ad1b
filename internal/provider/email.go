package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = emailAddressType{}
	_ basetypes.StringValuableWithSemanticEquals = emailAddress{}
)

// emailAddressType is a string type for e-mail addresses, which the server stores lower-case.
type emailAddressType struct {
	basetypes.StringType
}

func (t emailAddressType) String() string { return "emailAddressType" }

func (t emailAddressType) Equal(o attr.Type) bool {
	_, ok := o.(emailAddressType)
	return ok
}

func (t emailAddressType) ValueType(context.Context) attr.Value { return emailAddress{} }

func (t emailAddressType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return emailAddress{StringValue: in}, nil
}

func (t emailAddressType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return emailAddress{StringValue: s}, nil
}

// emailAddress is an e-mail address that equals the same address in any case, so that the
// address as configured stays in the state while the server answers it lower-case.
type emailAddress struct {
	basetypes.StringValue
}

func (v emailAddress) Type(context.Context) attr.Type { return emailAddressType{} }

func (v emailAddress) Equal(o attr.Value) bool {
	other, ok := o.(emailAddress)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v emailAddress) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	newValue, ok := newValuable.(emailAddress)
	if !ok {
		diags.AddError("Semantic equality check error",
			fmt.Sprintf("Expected an e-mail address value, got %T. Please report this issue to the provider developers.", newValuable))
		return false, diags
	}
	return strings.EqualFold(v.ValueString(), newValue.ValueString()), diags
}

func emailAddressValue(s string) emailAddress {
	return emailAddress{StringValue: basetypes.NewStringValue(s)}
}
