//! What the organization tests share.

/// The worked example of the README's "Organizations" section.
pub const EXAMPLE: &str = r#"@control("example:no-leaving")
scp DenyLeaveOrganization {
    deny organizations:LeaveOrganization
}

@control("example:sandbox-no-gpu")
scp SandboxNoGpu {
    deny ec2:RunInstances
        when ec2:InstanceType like "p*"
}

/// The accounts and what binds them.
org Example {
    scp DenyLeaveOrganization // at the root: every account

    ou Workloads {
        ou Prod {
            account Payments "111122223333"
        }
    }
    ou Sandbox {
        scp @control("example:sandbox-*")
        account Playground "444455556666"
    }
}

test "a GPU is refused in the sandbox" for Root/Sandbox/Playground {
    ec2:RunInstances { ec2:InstanceType = "p4d.24xlarge" } => deny (explicit)
    ec2:RunInstances { ec2:InstanceType = "t3.micro" } => allow
}

test "prod may run GPUs, and no account may leave" for Root/Workloads/Prod/111122223333 {
    ec2:RunInstances { ec2:InstanceType = "p4d.24xlarge" } => allow
    organizations:LeaveOrganization { } => deny
}
"#;
